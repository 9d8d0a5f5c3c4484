package http

// channelRoutes collects the routes of the chat and task channels, each defined in its own
// file (chat.go, tasks.go) as a function returning []route.
func (s *Server) channelRoutes() []route {
	var rs []route
	for _, f := range channelRouteSets {
		rs = append(rs, f(s)...)
	}
	return rs
}

// channelRouteSets is filled by the channel files' init functions.
var channelRouteSets []func(*Server) []route
