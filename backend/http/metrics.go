package http

import (
	"encoding/csv"
	"net/http"
	"strconv"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
)

func (s *Server) metricsRoutes() []route {
	return []route{
		{Method: "GET", Pattern: "/v1/metrics/current", Permission: parley.PermAccessMetrics, Tag: "metrics",
			Summary:  "Real-time metrics per queue, queue and channel, routing profile, and channel",
			Response: api.RealtimeMetrics{}, Statuses: []int{200, 401, 403}, Handler: s.currentMetrics},
		{Method: "GET", Pattern: "/v1/metrics/history", Permission: parley.PermAccessMetrics, Tag: "metrics",
			Summary: "Historical metrics over [start, end) from contact trace records and agent events; format=csv for a CSV file",
			Query: []queryParam{
				{"start", "date-time", "start of the interval (RFC 3339), required"},
				{"end", "date-time", "end of the interval (RFC 3339, exclusive), required"},
				{"groupBy", "string", "QUEUE, AGENT or CHANNEL; absent: one row for everything"},
				{"format", "string", "json (default) or csv"},
			},
			Response: api.HistoricalMetrics{}, Statuses: []int{200, 400, 401, 403}, Handler: s.historicalMetrics},
	}
}

func (s *Server) currentMetrics(w http.ResponseWriter, r *http.Request) error {
	m, err := s.svc.Realtime.RealtimeMetrics(r.Context())
	if err != nil {
		return err
	}
	rows := func(in []parley.RealtimeRow) []api.RealtimeRow {
		out := make([]api.RealtimeRow, len(in))
		for i, r := range in {
			out[i] = api.RealtimeRow{QueueID: string(r.QueueID), RoutingProfileID: string(r.RoutingProfileID), Channel: string(r.Channel),
				AgentsOnline: r.Online, AgentsAvailable: r.Available, AgentsOnContact: r.OnContact, AgentsAfterContactWork: r.AfterContactWork,
				AgentsNonProductive: r.NonProductive, AgentsStaffed: r.Staffed, AgentsError: r.Error,
				SlotsActive: r.SlotsActive, SlotsAvailable: r.SlotsAvailable, ContactsInQueue: r.ContactsInQueue,
				OldestContactAgeSeconds: r.OldestContactAge.Seconds(), ContactsScheduled: r.ContactsScheduled}
		}
		return out
	}
	writeJSON(w, http.StatusOK, api.RealtimeMetrics{At: m.At, Queues: rows(m.Queues), QueueChannels: rows(m.QueueChannels),
		RoutingProfiles: rows(m.RoutingProfiles), Channels: rows(m.Channels)})
	return nil
}

func (s *Server) historicalMetrics(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	start, err := queryTime(q.Get("start"), "start")
	if err != nil {
		return err
	}
	end, err := queryTime(q.Get("end"), "end")
	if err != nil {
		return err
	}
	if start.IsZero() || end.IsZero() {
		return parley.Invalidf("start", "start and end are required (RFC 3339 times)")
	}
	group := parley.MetricsGrouping(q.Get("groupBy"))
	switch group {
	case parley.GroupNone, parley.GroupQueue, parley.GroupAgent, parley.GroupChannel:
	default:
		return parley.Invalidf("groupBy", "is %q; must be QUEUE, AGENT or CHANNEL, or absent", group)
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "csv" {
		return parley.Invalidf("format", "is %q; must be json or csv", format)
	}
	m, err := s.svc.Historical.HistoricalMetrics(r.Context(), parley.HistoricalQuery{Start: start, End: end, Grouping: group})
	if err != nil {
		return err
	}
	out := api.HistoricalMetrics{Start: m.Query.Start, End: m.Query.End, GroupBy: string(m.Query.Grouping), Rows: make([]api.HistoricalRow, len(m.Rows))}
	for i, row := range m.Rows {
		out.Rows[i] = historicalRow(row)
	}
	if format == "csv" {
		return writeHistoricalCSV(w, out)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func historicalRow(r parley.HistoricalRow) api.HistoricalRow {
	sl := make(map[string]*float64, len(r.ServiceLevel))
	for t, v := range r.ServiceLevel {
		sl[strconv.Itoa(t)] = v
	}
	return api.HistoricalRow{QueueID: string(r.QueueID), AgentID: string(r.AgentID), Channel: string(r.Channel),
		ContactsQueued: r.ContactsQueued, ContactsHandled: r.ContactsHandled, ContactsAbandoned: r.ContactsAbandoned,
		ContactsMissed: r.ContactsMissed, ContactsTransferredIn: r.ContactsTransferredIn, ContactsTransferredOut: r.ContactsTransferredOut,
		CallbackAttempts: r.CallbackAttempts, ContactsRemovedFromQueue: r.ContactsRemovedFromQueue,
		AvgQueueAnswerTime: r.AvgQueueAnswerTime, AvgHandleTime: r.AvgHandleTime, AvgInteractionTime: r.AvgInteractionTime,
		AvgHoldTime: r.AvgHoldTime, AvgHoldTimeAllContacts: r.AvgHoldTimeAllContacts, AvgAfterContactWorkTime: r.AvgAfterContactWorkTime,
		AvgAbandonTime: r.AvgAbandonTime, ServiceLevel: sl,
		OnlineTime: r.OnlineTime.Seconds(), OnContactTime: r.OnContactTime.Seconds(), IdleTime: r.IdleTime.Seconds(),
		NonProductiveTime: r.NonProductiveTime.Seconds(), ErrorTime: r.ErrorTime.Seconds(), Occupancy: r.Occupancy}
}

// writeHistoricalCSV writes one header line and one line per row; an absent average is an empty
// cell.
func writeHistoricalCSV(w http.ResponseWriter, m api.HistoricalMetrics) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="parley-metrics-`+m.Start.UTC().Format("20060102T150405Z")+`.csv"`)
	cw := csv.NewWriter(w)
	header := []string{"queueId", "agentId", "channel", "contactsQueued", "contactsHandled", "contactsAbandoned", "contactsMissed",
		"contactsTransferredIn", "contactsTransferredOut", "callbackAttempts", "contactsRemovedFromQueue",
		"avgQueueAnswerTime", "avgHandleTime", "avgInteractionTime", "avgHoldTime", "avgHoldTimeAllContacts",
		"avgAfterContactWorkTime", "avgAbandonTime"}
	for _, t := range parley.ServiceLevelThresholds {
		header = append(header, "serviceLevel"+strconv.Itoa(t))
	}
	header = append(header, "onlineTime", "onContactTime", "idleTime", "nonProductiveTime", "errorTime", "occupancy")
	_ = cw.Write(header)
	num := func(f *float64) string {
		if f == nil {
			return ""
		}
		return strconv.FormatFloat(*f, 'f', -1, 64)
	}
	for _, r := range m.Rows {
		rec := []string{r.QueueID, r.AgentID, r.Channel}
		for _, n := range []int{r.ContactsQueued, r.ContactsHandled, r.ContactsAbandoned, r.ContactsMissed, r.ContactsTransferredIn,
			r.ContactsTransferredOut, r.CallbackAttempts, r.ContactsRemovedFromQueue} {
			rec = append(rec, strconv.Itoa(n))
		}
		for _, f := range []*float64{r.AvgQueueAnswerTime, r.AvgHandleTime, r.AvgInteractionTime, r.AvgHoldTime, r.AvgHoldTimeAllContacts,
			r.AvgAfterContactWorkTime, r.AvgAbandonTime} {
			rec = append(rec, num(f))
		}
		for _, t := range parley.ServiceLevelThresholds {
			rec = append(rec, num(r.ServiceLevel[strconv.Itoa(t)]))
		}
		for _, f := range []float64{r.OnlineTime, r.OnContactTime, r.IdleTime, r.NonProductiveTime, r.ErrorTime} {
			rec = append(rec, num(&f))
		}
		rec = append(rec, num(r.Occupancy))
		_ = cw.Write(rec)
	}
	cw.Flush()
	return nil // the status line is out; a write error means the client left
}
