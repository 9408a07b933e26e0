package history_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"testing"

	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/history"
)

// BenchmarkBoardAsOfColdChunks is BenchmarkBoardAsOf's "snapshots_saved"
// when the index chunks a frame needs are never in the cache (a cache of
// one chunk: each frame loads back from their files the chunk of its
// position and those after its snapshot), against the default cache, in
// the same run: the cost of loading chunks back.
func BenchmarkBoardAsOfColdChunks(b *testing.B) {
	store, codec, envs := bulkLog(b, 111_000)
	quiet := slog.New(slog.DiscardHandler)
	opPositions := positionsOf(operationEvents(envs))
	ctx := context.Background()
	for _, cache := range []int{1, history.DefaultChunkCache} {
		b.Run(fmt.Sprintf("cache_%d", cache), func(b *testing.B) {
			h := dt.Must(history.New(history.Config{Reader: store, Decoder: codec, ChunkCache: cache, Logger: quiet}))
			applySavingTo(b, h, envs, partsDir(b), saveEvery)
			rng := rand.New(rand.NewPCG(1, 2))
			b.ReportAllocs()
			cpu := processCPU()
			for b.Loop() {
				f, err := h.FrameAt(ctx, opID, eventstore.After(opPositions[rng.IntN(len(opPositions))]))
				if err != nil {
					b.Fatal(err)
				}
				_ = f.View(agB)
			}
			reportCPU(b, cpu)
		})
	}
}
