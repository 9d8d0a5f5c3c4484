package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/parley-cc/parley/backend/parley"
)

func cmdUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "add" && args[0] != "passwd") {
		fmt.Fprintln(stderr, "Usage: parleyd user add|passwd [flags]   (parleyd user add --help)")
		if len(args) > 0 && strings.HasSuffix(args[0], "help") {
			return 0
		}
		return 2
	}
	sub := args[0]
	var c common
	var username, profiles, first, last string
	var passwordStdin bool
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	c.register(fs)
	fs.StringVar(&username, "username", "", "the user's username (required)")
	fs.BoolVar(&passwordStdin, "password-stdin", false, "read the password from the first line of standard input; otherwise a random one is generated and printed")
	if sub == "add" {
		fs.StringVar(&profiles, "profiles", parley.ProfileAgent, "comma-separated security profile names")
		fs.StringVar(&first, "first-name", "", "first name")
		fs.StringVar(&last, "last-name", "", "last name")
	}
	fs.Usage = func() {
		if sub == "add" {
			fmt.Fprintln(stderr, "Usage: parleyd user add --username NAME [--profiles Admin,Agent] [--password-stdin] [flags]\n\nAdds a user to the instance in the data directory.\n\nFlags:")
		} else {
			fmt.Fprintln(stderr, "Usage: parleyd user passwd --username NAME [--password-stdin] [flags]\n\nSets a user's password and signs them out everywhere.\n\nFlags:")
		}
		fs.PrintDefaults()
	}
	if code, done := parseFlags(fs, args[1:], stderr); done {
		return code
	}
	if username == "" {
		fmt.Fprintf(stderr, "parleyd user %s: --username is required\n", sub)
		return 2
	}
	pw, generated := "", false
	if passwordStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			fmt.Fprintf(stderr, "parleyd user %s: read password: %v\n", sub, err)
			return 1
		}
		pw = strings.TrimRight(line, "\r\n")
	} else {
		pw, generated = randomPassword(), true
	}
	logger, err := c.logger(stderr)
	if err != nil {
		fmt.Fprintf(stderr, "parleyd user %s: %v\n", sub, err)
		return 2
	}
	db, err := c.openStore(logger)
	if err != nil {
		fmt.Fprintf(stderr, "parleyd user %s: %v\n", sub, err)
		return 1
	}
	defer db.Close()
	if err := db.EnsureDefaults(ctx); err != nil {
		fmt.Fprintf(stderr, "parleyd user %s: %v\n", sub, err)
		return 1
	}
	svc := services(db)
	if sub == "add" {
		err = addUser(ctx, svc.Users, func(name string) (*parley.SecurityProfile, error) { return findProfile(ctx, svc, name) },
			&parley.User{Username: username, FirstName: first, LastName: last}, profiles, pw)
	} else {
		err = setPassword(ctx, svc.Users, username, pw)
	}
	if err != nil {
		fmt.Fprintf(stderr, "parleyd user %s: %s\n", sub, parley.ErrorMessage(err))
		if parley.ErrorCodeOf(err) == parley.EInternal {
			fmt.Fprintln(stderr, "  cause:", err)
		}
		return 1
	}
	if generated {
		fmt.Fprintf(stdout, "user %q: password %s (shown once)\n", username, pw)
	} else {
		fmt.Fprintf(stdout, "user %q: password set\n", username)
	}
	return 0
}

func addUser(ctx context.Context, users parley.UserService, profile func(string) (*parley.SecurityProfile, error), u *parley.User, profiles, pw string) error {
	for _, name := range strings.Split(profiles, ",") {
		p, err := profile(strings.TrimSpace(name))
		if err != nil {
			return err
		}
		u.SecurityProfileIDs = append(u.SecurityProfileIDs, p.ID)
	}
	return users.CreateUser(ctx, u, pw)
}

func setPassword(ctx context.Context, users parley.UserService, username, pw string) error {
	found, err := users.FindUsers(ctx, parley.UserFilter{Username: username})
	if err != nil {
		return err
	}
	if len(found) == 0 {
		return parley.NotFoundf("no user named %q", username)
	}
	return users.SetPassword(ctx, found[0].ID, pw)
}
