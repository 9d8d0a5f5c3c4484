// Package http serves Parley's REST API v1 over HTTP: sign-in, permission checks, CRUD for every
// configuration entity, flow publishing, the audit log. Every route is declared once, in a route
// table that both registers the handlers and generates docs/openapi.json; domain error codes map
// to HTTP statuses in one table (errors.go).
//
// Wire types are backend/api's; they are converted to and from domain types by matching field
// names (convert.go), which a test checks for every pair.
package http
