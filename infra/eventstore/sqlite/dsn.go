package sqlite

import (
	"net/url"
	"strconv"
)

// The three kinds of connection the store opens differ only in their
// pragmas, all given through the DSN so that every connection the pools
// open gets them.

// probeDSN sets no persistent pragma (no journal_mode): the probe must not
// change a file that may not be ours.
func probeDSN(cfg Config) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(cfg.BusyTimeout.Milliseconds(), 10)+")")
	return q.Encode()
}

// writerDSN makes every commit durable before it returns: WAL, so readers
// run alongside the writer, and synchronous=FULL, so a commit is fsynced.
func writerDSN(cfg Config) string {
	q := common(cfg)
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	// The checkpointer, not the commit, copies the WAL back.
	q.Add("_pragma", "wal_autocheckpoint(0)")
	return q.Encode()
}

// checkpointDSN is the checkpointer's connection: it writes the database
// file and syncs it.
func checkpointDSN(cfg Config) string {
	q := common(cfg)
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "wal_autocheckpoint(0)")
	return q.Encode()
}

// readerDSN opens query-only connections that map the file into memory for
// fast sequential reads.
func readerDSN(cfg Config) string {
	q := common(cfg)
	q.Add("_pragma", "mmap_size("+strconv.FormatInt(cfg.MmapSize, 10)+")")
	q.Add("_query_only", "1")
	return q.Encode()
}

func common(cfg Config) url.Values {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(cfg.BusyTimeout.Milliseconds(), 10)+")")
	q.Add("_pragma", "cache_size(-"+strconv.Itoa(cfg.CacheSizeKiB)+")")
	return q
}
