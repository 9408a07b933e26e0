package loadgen

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// Report is the outcome of a run.
type Report struct {
	Started  time.Time     `json:"started"`
	Setup    Setup         `json:"setup"`
	Commands Commands      `json:"commands"`
	Retries  Retries       `json:"retries"`
	Boards   Boards        `json:"boards"`
	Server   Server        `json:"server"`
	Baseline BaselineRuns  `json:"baseline"`
	Ratios   Ratios        `json:"ratios"`
	Elapsed  time.Duration `json:"elapsed_ns"`
}

// Setup is what the run was asked to do.
type Setup struct {
	URL        string        `json:"url"`
	Units      int           `json:"units"`
	Boards     int           `json:"boards"`
	Operations int           `json:"operations"`
	Rate       float64       `json:"rate"`
	Duration   time.Duration `json:"duration_ns"`
	Senders    int           `json:"senders"`
	Mix        Mix           `json:"mix"`
	LateShare  float64       `json:"late_share"`
	RetryShare float64       `json:"retry_share"`
}

// Commands is what the units sent and how the server answered. Latency
// counts from each command's scheduled time to its answer.
type Commands struct {
	Sent int64 `json:"sent"`
	// Unsent were due but never sent: the senders fell so far behind that
	// the schedule ended with them still unqueued (the server could not
	// take the offered load).
	Unsent   int64            `json:"unsent"`
	Accepted int64            `json:"accepted"`
	Late     int64            `json:"late"`
	Rejected int64            `json:"rejected"`
	Errors   int64            `json:"errors"`
	ByKind   map[string]int64 `json:"accepted_by_kind"`
	ByStatus map[string]int64 `json:"rejected_by_status,omitempty"`
	// OfferedPerSec is over the schedule (Setup.Duration); AcceptedPerSec
	// until the last answer, so that a server that falls behind shows its
	// real throughput.
	OfferedPerSec  float64 `json:"offered_per_sec"`
	AcceptedPerSec float64 `json:"accepted_per_sec"`
	// BodyBytes is the mean size of a command's body.
	BodyBytes int     `json:"body_bytes"`
	Latency   Latency `json:"latency"`
}

// Retries are the accepted commands sent again with their command ID.
type Retries struct {
	Sent int64 `json:"sent"`
	// Same: answered with the original outcome; Different: with another
	// one (an append twice, or a lost outcome) — must be 0.
	Same      int64 `json:"same"`
	Different int64 `json:"different"`
	Errors    int64 `json:"errors"`
	// CommandIDs are some of the retried commands, for checking the log.
	CommandIDs []string `json:"command_ids,omitempty"`
}

// Boards is what the live boards received and how it checked out.
type Boards struct {
	Boards        int           `json:"boards"`
	NeverSnapshot int           `json:"never_connected"`
	ConnectTime   time.Duration `json:"connect_ns"`
	Snapshots     int64         `json:"snapshots"`
	Deltas        int64         `json:"deltas"`
	Bytes         int64         `json:"bytes"`
	// Delivered: accepted reports found on a board entitled to them;
	// Gaps: missing on a board that received a later position;
	// Undelivered: still missing at the end of the drain; Duplicates:
	// positions received twice or out of order. All three must be 0.
	Delivered   int64 `json:"delivered"`
	Gaps        int64 `json:"gaps"`
	Undelivered int64 `json:"undelivered"`
	Duplicates  int64 `json:"duplicates"`
	// Covered: reports a fresh snapshot carried instead of a delta (a
	// resume too far behind); Unchecked: reports answered after every
	// board had been checked past them.
	Covered   int64 `json:"covered"`
	Unchecked int64 `json:"unchecked"`
	// SlowCuts: closes with 4008; OtherCuts: any other disconnect.
	SlowCuts  int64 `json:"slow_disconnects"`
	OtherCuts int64 `json:"other_disconnects"`
	// Latency is from the command's answer to the delta's arrival, per
	// delivery (a delta that beat the answer counts as 0); FromSend from
	// the sending of the command (its HTTP round trip, the durable append
	// and the fold included).
	Latency  Latency `json:"latency"`
	FromSend Latency `json:"from_send"`
}

// Server is the server's own numbers before and after the load.
type Server struct {
	Before ServerSample `json:"before"`
	After  ServerSample `json:"after"`
	// CPUSeconds is the CPU the server used during the load; CPUCores the
	// same per second of it.
	CPUSeconds float64 `json:"cpu_seconds"`
	CPUCores   float64 `json:"cpu_cores"`
	// SlowDisconnects is the server's count of slow-consumer cuts during
	// the load.
	SlowDisconnects float64 `json:"slow_disconnects"`
	// Samples are the server's numbers every Config.SampleEvery during the
	// load.
	Samples []TimedSample `json:"samples,omitempty"`
	// HeapGrowth is the live heap's trend over the second half of the
	// samples; nil with too few of them (see Config.SampleEvery).
	HeapGrowth *Growth `json:"heap_growth,omitempty"`
	// Embedded: the server ran in the load generator's process, so CPU and
	// memory include the load generator's.
	Embedded bool `json:"embedded"`
}

// TimedSample is a sample of the server's numbers taken At after the run
// began.
type TimedSample struct {
	At time.Duration `json:"at_ns"`
	ServerSample
}

// BaselineRuns are the baselines measured after the load, in the same
// process.
type BaselineRuns struct {
	Append    *AppendBaseline    `json:"append,omitempty"`
	Broadcast *BroadcastBaseline `json:"broadcast,omitempty"`
}

// Ratios compare the run with its baselines: the server's accepted rate as
// a share of the bare store's append rate, and latencies as multiples of
// the bare ones.
type Ratios struct {
	AcceptedOfBareAppends   float64 `json:"accepted_of_bare_appends"`
	CommandP50OverAppendP50 float64 `json:"command_p50_over_append_p50"`
	CommandP99OverAppendP99 float64 `json:"command_p99_over_append_p99"`
	BoardP50OverBroadcast   float64 `json:"board_p50_over_broadcast_p50"`
	BoardP99OverBroadcast   float64 `json:"board_p99_over_broadcast_p99"`
}

// OK reports whether the run's invariants held: something was accepted,
// every board connected, no board missed or repeated a report, every
// retry got its original answer.
func (r *Report) OK() bool {
	return r.Commands.Accepted > 0 && r.Boards.NeverSnapshot == 0 && r.Boards.Gaps == 0 &&
		r.Boards.Undelivered == 0 && r.Boards.Duplicates == 0 && r.Retries.Different == 0
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for a person.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	s := r.Setup
	fmt.Fprintf(&b, "jointops loadgen: %d units, %d boards over %d operations, %g reports/s for %s against %s\n",
		s.Units, s.Boards, s.Operations, s.Rate, s.Duration, s.URL)
	c := r.Commands
	fmt.Fprintf(&b, "commands   sent %d (unsent %d), accepted %d (%d late), rejected %d, errors %d; offered %.1f/s, accepted %.1f/s; body %d B\n",
		c.Sent, c.Unsent, c.Accepted, c.Late, c.Rejected, c.Errors, c.OfferedPerSec, c.AcceptedPerSec, c.BodyBytes)
	if len(c.ByStatus) > 0 {
		fmt.Fprintf(&b, "           rejected by status: %s\n", counts(c.ByStatus))
	}
	fmt.Fprintf(&b, "           accepted by kind: %s\n", counts(c.ByKind))
	fmt.Fprintf(&b, "           latency (from schedule) %s\n", c.Latency)
	rt := r.Retries
	fmt.Fprintf(&b, "retries    sent %d, same outcome %d, different %d, errors %d\n", rt.Sent, rt.Same, rt.Different, rt.Errors)
	bd := r.Boards
	fmt.Fprintf(&b, "boards     %d (never connected %d) in %s; %d snapshots, %d deltas, %.1f MB\n",
		bd.Boards, bd.NeverSnapshot, bd.ConnectTime.Round(time.Millisecond), bd.Snapshots, bd.Deltas, float64(bd.Bytes)/1e6)
	fmt.Fprintf(&b, "           delivered %d, gaps %d, undelivered %d, duplicates %d, covered by snapshot %d, unchecked %d\n",
		bd.Delivered, bd.Gaps, bd.Undelivered, bd.Duplicates, bd.Covered, bd.Unchecked)
	fmt.Fprintf(&b, "           disconnected slow %d, otherwise %d\n", bd.SlowCuts, bd.OtherCuts)
	fmt.Fprintf(&b, "           accepted→delivered %s\n", bd.Latency)
	fmt.Fprintf(&b, "           sent→delivered     %s\n", bd.FromSend)
	sv := r.Server
	embedded := ""
	if sv.Embedded {
		embedded = " (embedded: includes the load generator)"
	}
	fmt.Fprintf(&b, "server     CPU %.1f s (%.2f cores)%s; slow cuts %.0f\n", sv.CPUSeconds, sv.CPUCores, embedded, sv.SlowDisconnects)
	fmt.Fprintf(&b, "           before → after: RSS %s → %s; heap live %s → %s; heap in use %s → %s; heap goal %s → %s; goroutines %.0f → %.0f\n",
		mb(sv.Before.RSSBytes), mb(sv.After.RSSBytes), mb(sv.Before.HeapLiveBytes), mb(sv.After.HeapLiveBytes),
		mb(sv.Before.HeapBytes), mb(sv.After.HeapBytes),
		mb(sv.Before.HeapGoalBytes), mb(sv.After.HeapGoalBytes), sv.Before.Goroutines, sv.After.Goroutines)
	if len(sv.Samples) > 0 {
		var live []string
		for _, s := range sv.Samples {
			live = append(live, fmt.Sprintf("%.0fs %s", s.At.Seconds(), mb(s.HeapLiveBytes)))
		}
		fmt.Fprintf(&b, "           heap live during the load: %s\n", strings.Join(live, ", "))
	}
	if g := sv.HeapGrowth; g != nil {
		fmt.Fprintf(&b, "           heap live over the second half: %s → %s, %.1f B per event appended (%d samples)\n",
			mb(g.FromBytes), mb(g.ToBytes), g.BytesPerEvent, g.Samples)
	}
	if a := r.Baseline.Append; a != nil {
		fmt.Fprintf(&b, "baseline   bare appends: %.0f/s from %d writers (%d B events), latency %s\n", a.PerSec, a.Workers, a.EventBytes, a.Latency)
	}
	if br := r.Baseline.Broadcast; br != nil {
		fmt.Fprintf(&b, "baseline   bare broadcast: %d clients in %d groups, %.1f msg/s of %d B = %.0f deliveries/s (%d dropped), latency %s\n",
			br.Clients, br.Groups, br.Rate, br.MessageBytes, br.PerSec, br.Dropped, br.Latency)
	}
	rs := r.Ratios
	fmt.Fprintf(&b, "ratios     accepted/bare appends %.3f; command/append latency p50 ×%.1f p99 ×%.1f; board/broadcast latency p50 ×%.1f p99 ×%.1f\n",
		rs.AcceptedOfBareAppends, rs.CommandP50OverAppendP50, rs.CommandP99OverAppendP99, rs.BoardP50OverBroadcast, rs.BoardP99OverBroadcast)
	verdict := "OK"
	if !r.OK() {
		verdict = "FAILED: nothing accepted, a board never connected, missed or repeated a report, or a retry got another outcome"
	}
	fmt.Fprintf(&b, "verdict    %s\n", verdict)
	_, err := io.WriteString(w, b.String())
	return err
}

func (l Latency) String() string {
	return fmt.Sprintf("p50 %.2f ms, p90 %.2f, p99 %.2f, p99.9 %.2f, max %.2f (n=%d)", l.P50, l.P90, l.P99, l.P999, l.Max, l.Count)
}

func counts(m map[string]int64) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func mb(bytes float64) string { return fmt.Sprintf("%.1f MB", bytes/1e6) }

// ratio is a/b, or 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
