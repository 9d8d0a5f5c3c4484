// Package api is the public wire contract of Parley's backend, version 1: the JSON types of the
// REST API, the error body, and a Go client. The desktop app and any other client depend on this
// package only. JSON is lowerCamel, enums are strings, and changes are additive.
package api

// Version is the API version this package describes.
const Version = "v1"
