package http

import (
	"context"
	"net/http"
	"slices"

	"github.com/parley-cc/parley/backend/api"
	"github.com/parley-cc/parley/backend/parley"
)

func (s *Server) userRoutes() []route {
	res := &resource[api.User, parley.User, parley.UserID]{
		name: "user", path: "/v1/users", tag: "users",
		view: parley.PermUsersView, create: parley.PermUsersCreate, edit: parley.PermUsersEdit, delete: parley.PermUsersDelete,
		list: func(ctx context.Context) ([]*parley.User, error) {
			return s.svc.Users.FindUsers(ctx, parley.UserFilter{})
		},
		find: s.svc.Users.FindUserByID, update: s.svc.Users.UpdateUser, remove: s.svc.Users.DeleteUser,
		setID: func(d *parley.User, id parley.UserID) { d.ID = id },
		idOf:  func(d *parley.User) parley.UserID { return d.ID },
		check: s.checkUserProfiles,
		inUse: true, // the last admin cannot be deleted
	}
	rs := res.routes()
	for i := range rs {
		if rs[i].Method == "POST" {
			rs[i].Request = api.NewUser{}
			rs[i].Handler = func(w http.ResponseWriter, r *http.Request) error {
				in, err := decodeBody[api.NewUser](r)
				if err != nil {
					return err
				}
				u, err := convert[parley.User](in.User)
				if err != nil {
					return err
				}
				u.ID = ""
				if err := s.checkUserProfiles(r.Context(), nil, u); err != nil {
					return err
				}
				if err := s.svc.Users.CreateUser(r.Context(), u, in.Password); err != nil {
					return err
				}
				w.Header().Set("Location", "/v1/users/"+string(u.ID))
				return res.respond(w, http.StatusCreated, u)
			}
		}
	}
	return append(rs, route{Method: "PUT", Pattern: "/v1/users/{id}/password", Permission: parley.PermUsersEdit, Tag: "users",
		Summary: "Set a user's password (revokes their sessions)", Request: api.PasswordRequest{},
		Statuses: []int{204, 400, 401, 403, 404}, Handler: s.setPassword})
}

// checkUserProfiles guards security profile assignment: changing a user's profiles needs
// Users.EditPermission, and nobody assigns a profile granting a permission they do not hold.
func (s *Server) checkUserProfiles(ctx context.Context, old, u *parley.User) error {
	if old != nil && slices.Equal(sortedIDs(old.SecurityProfileIDs), sortedIDs(u.SecurityProfileIDs)) {
		return nil
	}
	if old != nil && !parley.HasPermission(sessionFrom(ctx).Permissions, parley.PermUsersEditPermission) {
		return parley.Forbidden(parley.PermUsersEditPermission)
	}
	for _, id := range u.SecurityProfileIDs {
		p, err := s.svc.SecurityProfiles.FindSecurityProfileByID(ctx, id)
		if parley.ErrorCodeOf(err) == parley.ENotFound {
			continue // the store reports the unknown reference with its field
		} else if err != nil {
			return err
		}
		if err := noEscalation(ctx, p.Permissions); err != nil {
			return err
		}
	}
	return nil
}

func sortedIDs(ids []parley.SecurityProfileID) []parley.SecurityProfileID {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

func (s *Server) setPassword(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeBody[api.PasswordRequest](r)
	if err != nil {
		return err
	}
	if err := s.svc.Users.SetPassword(r.Context(), parley.UserID(r.PathValue("id")), in.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
