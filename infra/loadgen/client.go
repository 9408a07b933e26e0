package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// client sends requests to the server under test.
type client struct {
	base string
	http *http.Client
}

// answer is a response: its status and body.
type answer struct {
	status int
	body   []byte
}

// maxAnswer bounds the body read from one answer.
const maxAnswer = 1 << 20

// post sends body (JSON) to path as the holder of token.
func (c *client) post(ctx context.Context, token, path string, body []byte) (answer, error) {
	return c.do(ctx, http.MethodPost, token, path, body)
}

// get reads path as the holder of token.
func (c *client) get(ctx context.Context, token, path string) (answer, error) {
	return c.do(ctx, http.MethodGet, token, path, nil)
}

func (c *client) do(ctx context.Context, method, token, path string, body []byte) (answer, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if err != nil {
		return answer{status: res.StatusCode}, fmt.Errorf("%s %s: read the answer: %w", method, path, err)
	}
	return answer{status: res.StatusCode, body: data}, nil
}

// must sends a seeding command and fails unless it is answered with want.
func (c *client) must(ctx context.Context, token, path string, body any, want int) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	a, err := c.post(ctx, token, path, raw)
	if err != nil {
		return err
	}
	if a.status != want {
		return fmt.Errorf("POST %s: %d, want %d: %.300s", path, a.status, want, a.body)
	}
	return nil
}

// outcome is the answer to an accepted command (docs/API.md, "Answers").
type outcome struct {
	Stream   string `json:"stream"`
	Position string `json:"position"`
	Revision uint64 `json:"revision"`
	Events   int    `json:"events"`
	Late     bool   `json:"late"`
}
