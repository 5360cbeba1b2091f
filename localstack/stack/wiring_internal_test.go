package stack

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/openpayer/provider-portal/shared/lambdaenv"
)

// build makes a function the way the runner does, from getenv, turning a
// wiring panic (a store built on a variable the function did not name)
// into an error.
func build(id string, getenv lambdaenv.Getenv) (err error) {
	b, ok := builders[id]
	if !ok {
		return fmt.Errorf("no builder")
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	ctx := context.Background()
	switch {
	case b.http != nil:
		_, err = b.http(ctx, getenv)
	case b.sqs != nil:
		_, err = b.sqs(ctx, getenv)
	default:
		_, err = b.scheduled(ctx, getenv)
	}
	return err
}

// Each function of template.yaml starts on the environment the template
// gives it (the one the local runner and the bootstraps start it with):
// it reads every variable the template sets for it, and each it requires,
// taken away, stops it at init with one line naming that variable.
func TestEachFunctionStartsOnItsTemplateEnvironment(t *testing.T) {
	tpl, err := LoadTemplate(filepath.Join("..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p := Planned(tpl, "portal-test")
	settings := map[string]bool{}
	for _, v := range append(slices.Clone(lambdaenv.Settings), lambdaenv.Optional...) {
		settings[v.Name] = true // may be absent: a default or nothing stands in
	}
	globals, err := p.Resolver.ResolveField(&tpl.Globals.Function, "Environment", "Variables")
	if err != nil {
		t.Fatal(err)
	}
	ids := tpl.ResourcesOfType("AWS::Serverless::Function")
	if len(ids) != len(builders) {
		t.Errorf("the template has %d functions and the runner builds %d", len(ids), len(builders))
	}
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			env, err := p.FunctionEnv(tpl, id, AWSEnv("http://127.0.0.1:9", "http://127.0.0.1:9", "http://127.0.0.1:9"))
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			read := map[string]bool{}
			if err := build(id, func(k string) string {
				mu.Lock()
				defer mu.Unlock()
				read[k] = true
				return env[k]
			}); err != nil {
				t.Fatalf("on its template environment: %v", err)
			}
			res := tpl.Resources[id]
			own, err := p.Resolver.ResolveField(&res.Properties, "Environment", "Variables")
			if err != nil {
				t.Fatal(err)
			}
			vars, _ := own.(map[string]any)
			for _, k := range slices.Sorted(maps.Keys(globalsAnd(globals, vars))) {
				if !read[k] {
					t.Errorf("the template sets %s, which the function never reads", k)
				}
			}
			required := 0
			for _, k := range slices.Sorted(maps.Keys(vars)) {
				without := maps.Clone(env)
				delete(without, k)
				err := build(id, func(k string) string { return without[k] })
				switch {
				case err == nil && settings[k]:
					// a setting: its default stands in
				case err == nil:
					t.Errorf("without %s: started, want a stop naming it", k)
				case !strings.Contains(err.Error(), k) || strings.Contains(err.Error(), "\n"):
					t.Errorf("without %s: %q, want one line naming it", k, err)
				default:
					required++
				}
			}
			if required == 0 {
				t.Errorf("no variable of the function is required: the check above proves nothing")
			}
		})
	}
}

func globalsAnd(globals any, own map[string]any) map[string]any {
	all := map[string]any{}
	if g, ok := globals.(map[string]any); ok {
		maps.Copy(all, g)
	}
	maps.Copy(all, own)
	return all
}
