package http

import (
	"context"
	"net/http"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
)

// resource serves the five CRUD routes of one configuration entity: W is its wire type, D its
// domain type.
type resource[W any, D any, ID ~string] struct {
	name   string // singular, for docs: "queue"
	path   string // collection path: "/v1/queues"
	tag    string // OpenAPI tag
	view   parley.Permission
	create parley.Permission
	edit   parley.Permission
	delete parley.Permission

	list   func(context.Context) ([]*D, error)
	find   func(context.Context, ID) (*D, error)
	add    func(context.Context, *D) error
	update func(context.Context, *D) error
	remove func(context.Context, ID) error
	setID  func(*D, ID)
	idOf   func(*D) ID
	// redact, when set, removes write-only fields from a response.
	redact func(*W)
	// check, when set, runs before create and update with the decoded entity (extra permission
	// rules); old is nil on create.
	check func(ctx context.Context, old, new *D) error

	// inUse says whether a delete can meet a 409 (something else refers to the entity).
	inUse bool
}

func (res *resource[W, D, ID]) wire(d *D) (*W, error) {
	w, err := convert[W](d)
	if err != nil {
		return nil, err
	}
	if res.redact != nil {
		res.redact(w)
	}
	return w, nil
}

func (res *resource[W, D, ID]) routes() []route {
	var w W
	item := res.path + "/{id}"
	del := []int{204, 401, 403, 404}
	if res.inUse {
		del = append(del, 409)
	}
	return []route{
		{Method: "GET", Pattern: res.path, Permission: res.view, Tag: res.tag, Summary: "List " + res.name + "s",
			Response: api.List[W]{}, Statuses: []int{200, 401, 403}, Handler: res.handleList},
		{Method: "POST", Pattern: res.path, Permission: res.create, Tag: res.tag, Summary: "Create a " + res.name,
			Request: w, Response: w, Statuses: []int{201, 400, 401, 403, 409}, Handler: res.handleCreate},
		{Method: "GET", Pattern: item, Permission: res.view, Tag: res.tag, Summary: "Get a " + res.name,
			Response: w, Statuses: []int{200, 401, 403, 404}, Handler: res.handleGet},
		{Method: "PUT", Pattern: item, Permission: res.edit, Tag: res.tag, Summary: "Replace a " + res.name,
			Request: w, Response: w, Statuses: []int{200, 400, 401, 403, 404, 409}, Handler: res.handleUpdate},
		{Method: "DELETE", Pattern: item, Permission: res.delete, Tag: res.tag, Summary: "Delete a " + res.name,
			Statuses: del, Handler: res.handleDelete},
	}
}

func (res *resource[W, D, ID]) handleList(w http.ResponseWriter, r *http.Request) error {
	items, err := res.list(r.Context())
	if err != nil {
		return err
	}
	out := api.List[W]{Items: make([]W, 0, len(items))}
	for _, d := range items {
		wv, err := res.wire(d)
		if err != nil {
			return err
		}
		out.Items = append(out.Items, *wv)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (res *resource[W, D, ID]) handleGet(w http.ResponseWriter, r *http.Request) error {
	d, err := res.find(r.Context(), ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	return res.respond(w, http.StatusOK, d)
}

func (res *resource[W, D, ID]) respond(w http.ResponseWriter, status int, d *D) error {
	wv, err := res.wire(d)
	if err != nil {
		return err
	}
	writeJSON(w, status, wv)
	return nil
}

func (res *resource[W, D, ID]) decode(r *http.Request) (*D, error) {
	in, err := decodeBody[W](r)
	if err != nil {
		return nil, err
	}
	return convert[D](in)
}

func (res *resource[W, D, ID]) handleCreate(w http.ResponseWriter, r *http.Request) error {
	d, err := res.decode(r)
	if err != nil {
		return err
	}
	res.setID(d, "")
	if res.check != nil {
		if err := res.check(r.Context(), nil, d); err != nil {
			return err
		}
	}
	if err := res.add(r.Context(), d); err != nil {
		return err
	}
	w.Header().Set("Location", res.path+"/"+string(res.idOf(d)))
	return res.respond(w, http.StatusCreated, d)
}

func (res *resource[W, D, ID]) handleUpdate(w http.ResponseWriter, r *http.Request) error {
	id := ID(r.PathValue("id"))
	old, err := res.find(r.Context(), id)
	if err != nil {
		return err
	}
	d, err := res.decode(r)
	if err != nil {
		return err
	}
	res.setID(d, id)
	if res.check != nil {
		if err := res.check(r.Context(), old, d); err != nil {
			return err
		}
	}
	if err := res.update(r.Context(), d); err != nil {
		return err
	}
	fresh, err := res.find(r.Context(), id)
	if err != nil {
		return err
	}
	return res.respond(w, http.StatusOK, fresh)
}

func (res *resource[W, D, ID]) handleDelete(w http.ResponseWriter, r *http.Request) error {
	if err := res.remove(r.Context(), ID(r.PathValue("id"))); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
