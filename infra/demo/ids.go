package demo

import "github.com/google/uuid"

// Namespace is the UUID namespace of every ID of the demo: the IDs of its
// agencies, people, units and the seed's command IDs are version 5 UUIDs of
// this namespace and a name, so that they are the same on every machine
// and every run.
var Namespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://jointops.dev/demo/v1"))

// id returns the demo ID of the thing of kind named key.
func id(kind, key string) uuid.UUID {
	return uuid.NewSHA1(Namespace, []byte(kind+"/"+key))
}
