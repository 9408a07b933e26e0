// Package config holds the configuration of the jointops server: defaults,
// environment overrides and validation. It must not import other packages of
// the project, so every command of the binary can load it first.
package config
