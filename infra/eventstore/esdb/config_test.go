package esdb

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeCA writes a self-signed CA certificate as PEM and returns its path.
func writeCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "jointops test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr []string // substrings, all of them in the joined error; none: valid
	}{
		{name: "single node", cfg: Config{ConnectionString: "esdb://localhost:2113"}},
		{name: "cluster with settings", cfg: Config{ConnectionString: "esdb://a:2113,b:2113,c:2113?tls=true&nodePreference=leader&keepAliveInterval=20000"}},
		{name: "discover", cfg: Config{ConnectionString: "esdb+discover://cluster.example:2113"}},
		{name: "insecure", cfg: Config{ConnectionString: "esdb://127.0.0.1:2113?tls=false"}},
		{name: "credentials over TLS", cfg: Config{ConnectionString: "esdb://admin:changeit@localhost:2113?tls=true"}},
		{name: "CA file with TLS", cfg: Config{ConnectionString: "esdb://localhost:2113", TLSCAFile: "/etc/ca.pem"}},
		{name: "missing connection string", cfg: Config{}, wantErr: []string{"ConnectionString is required"}},
		{name: "wrong scheme", cfg: Config{ConnectionString: "http://localhost:2113"}, wantErr: []string{"want esdb://"}},
		{name: "unknown setting", cfg: Config{ConnectionString: "esdb://localhost:2113?tsl=false"}, wantErr: []string{`"tsl" is unknown`}},
		{name: "bad tls value", cfg: Config{ConnectionString: "esdb://localhost:2113?tls=maybe"}, wantErr: []string{"tls="}},
		{name: "CA file without TLS", cfg: Config{ConnectionString: "esdb://localhost:2113?tls=false", TLSCAFile: "/etc/ca.pem"}, wantErr: []string{"tls=false"}},
		{name: "CA file twice", cfg: Config{ConnectionString: "esdb://localhost:2113?tlsCAFile=/a.pem", TLSCAFile: "/b.pem"}, wantErr: []string{"give one"}},
		{name: "credentials without TLS", cfg: Config{ConnectionString: "esdb://admin:changeit@localhost:2113?tls=false"}, wantErr: []string{"would not send them"}},
		{
			name: "every numeric problem at once",
			cfg: Config{
				ConnectionString: "esdb://localhost:2113", IdempotencyWindow: -1, RecentIDs: -1, AppendAttempts: -1, ReadBatch: -1,
				ResubscribeMinBackoff: time.Second, ResubscribeMaxBackoff: time.Millisecond,
			},
			wantErr: []string{"IdempotencyWindow", "RecentIDs", "AppendAttempts", "ReadBatch", "exceeds ResubscribeMaxBackoff"},
		},
		{name: "negative backoff", cfg: Config{ConnectionString: "esdb://localhost:2113", ResubscribeMinBackoff: -1}, wantErr: []string{"negative"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want errors mentioning %q", tc.wantErr)
			}
			for _, want := range tc.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Validate() = %q, want it to mention %q", err, want)
				}
			}
		})
	}
}

func TestConfigRedactsPassword(t *testing.T) {
	err := Config{ConnectionString: "http://admin:s3cret@localhost:2113"}.Validate()
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("Validate() = %v, want an error without the password", err)
	}
}

func TestClientConfigurationTLS(t *testing.T) {
	ca := writeCA(t)
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		cfg         Config
		wantErr     string
		wantRootCAs bool
		wantTLS     bool
	}{
		{name: "TLS by default, system roots", cfg: Config{ConnectionString: "esdb://localhost:2113"}, wantTLS: true},
		{name: "CA file", cfg: Config{ConnectionString: "esdb://localhost:2113?tls=true", TLSCAFile: ca}, wantTLS: true, wantRootCAs: true},
		{name: "insecure", cfg: Config{ConnectionString: "esdb://localhost:2113?tls=false"}},
		{name: "missing CA file", cfg: Config{ConnectionString: "esdb://localhost:2113", TLSCAFile: filepath.Join(t.TempDir(), "absent.pem")}, wantErr: "TLSCAFile"},
		{name: "CA file without certificates", cfg: Config{ConnectionString: "esdb://localhost:2113", TLSCAFile: notPEM}, wantErr: "no PEM certificate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.setDefaults()
			conf, err := tc.cfg.clientConfiguration()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("clientConfiguration() error = %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("clientConfiguration(): %v", err)
			}
			if conf.DisableTLS == tc.wantTLS {
				t.Errorf("DisableTLS = %v, want %v", conf.DisableTLS, !tc.wantTLS)
			}
			if (conf.RootCAs != nil) != tc.wantRootCAs {
				t.Errorf("RootCAs set = %v, want %v", conf.RootCAs != nil, tc.wantRootCAs)
			}
			if conf.Logger == nil {
				t.Error("client Logger is nil: the client would log nothing, or to the console if defaulted")
			}
		})
	}
}

func TestClientConfigurationKeepAlive(t *testing.T) {
	tests := []struct {
		name string
		cs   string
		want time.Duration
	}{
		{name: "client default", cs: "esdb://localhost:2113?tls=false", want: 10 * time.Second},
		{name: "short, applied without console warning", cs: "esdb://localhost:2113?tls=false&keepAliveInterval=500", want: 500 * time.Millisecond},
		{name: "disabled", cs: "esdb://localhost:2113?tls=false&KeepAliveInterval=-1", want: -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{ConnectionString: tc.cs}
			cfg.setDefaults()
			conf, err := cfg.clientConfiguration()
			if err != nil {
				t.Fatal(err)
			}
			if conf.KeepAliveInterval != tc.want {
				t.Errorf("KeepAliveInterval = %v, want %v", conf.KeepAliveInterval, tc.want)
			}
		})
	}
	cfg := Config{ConnectionString: "esdb://localhost:2113?keepAliveInterval=-5"}
	cfg.setDefaults()
	if _, err := cfg.clientConfiguration(); err == nil {
		t.Error("keepAliveInterval=-5 accepted, want an error")
	}
}
