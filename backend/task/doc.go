// Package task is the task channel: Amazon Connect's task contacts (StartTaskContact,
// TransferContact, PauseContact, ResumeContact, StopContact) on Parley's router and flow engine.
//
// A [Service] implements parley.TaskService. StartTask stores a TASK contact and runs its flow
// (or queues it directly); the flow's UpdateContactTargetQueue and TransferContactToQueue hand it
// to the router, which offers it to an agent with a free TASK slot. The Service learns what the
// router does to tasks from the router's event stream: the router's Publisher must forward
// events to the task channel's [Inbox] (its Publish never blocks). From those events it keeps
// the stored contact's state, queue and agent up to date, marks accepted tasks connected (tasks
// have no media), and clears after-contact work as soon as a task with an agent ends (tasks
// have none).
//
// [Service.Run] owns the channel's goroutine: it applies router events, releases scheduled tasks
// into their flow at their time, resumes flows waiting in a Wait block, and ends tasks not
// completed TaskExpiry after initiation (DisconnectReason EXPIRED). Time comes from an injected
// routing.Clock, so tests drive it with routing.FakeClock.
//
// docs/tasks.md describes the semantics, limits and choices.
//
// It imports the standard library, the domain package, flow and routing only.
package task
