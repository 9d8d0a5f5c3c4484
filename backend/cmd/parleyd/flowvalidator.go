package main

import "github.com/parley-cc/parley/backend/flow"

// flowValidator checks flows before they are published: the full Flow language validator.
type flowValidator = flow.DomainValidator
