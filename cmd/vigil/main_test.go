package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"vigil": func() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScript runs the CLI scripts in testdata/script. $REPO is the
// repository root, for fixtures that ship with it; $CORPUS the shared
// corpus, when present.
func TestScript(t *testing.T) {
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("REPO", repo)
			corpus := filepath.Join(repo, "..", "shared", "corpus")
			if _, err := os.Stat(corpus); err == nil {
				env.Setenv("CORPUS", corpus)
			}
			return nil
		},
	})
}
