// Package stack runs the portal on one machine: it starts the AWS-compatible
// servers, provisions what template.yaml declares, and plays API Gateway and
// the SQS event source mappings in front of the functions' real handlers.
package stack

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Template is the part of template.yaml the local stack reads.
type Template struct {
	Parameters map[string]struct {
		Default any `yaml:"Default"`
	} `yaml:"Parameters"`
	Globals struct {
		Function yaml.Node `yaml:"Function"`
	} `yaml:"Globals"`
	Resources map[string]Resource `yaml:"Resources"`
}

// Resource is one template resource; Properties stay a YAML node until
// resolved, since they hold intrinsic functions.
type Resource struct {
	Type       string    `yaml:"Type"`
	Properties yaml.Node `yaml:"Properties"`
}

// LoadTemplate reads a SAM template.
func LoadTemplate(path string) (*Template, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t Template
	if err := yaml.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	return &t, nil
}

// ResourcesOfType returns the logical IDs of resources of a type, sorted.
func (t *Template) ResourcesOfType(typ string) []string {
	var ids []string
	for id, r := range t.Resources {
		if r.Type == typ {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// Resolver evaluates the intrinsic functions the template uses (!Ref,
// !GetAtt, !Sub, !If, !Equals) against local values.
type Resolver struct {
	Params     map[string]string
	Pseudo     map[string]string // AWS::StackName, AWS::Region, ...
	Refs       map[string]string // logical ID -> physical ID (name, URL)
	Atts       map[string]string // "LogicalID.Attr" -> value
	Conditions map[string]bool
	// Placeholders resolves an attribute not in Atts to its own name
	// ("Table.Arn"), for a template read without creating anything.
	Placeholders bool
}

// Resolve turns a YAML node into plain Go values (map[string]any, []any,
// string, bool, float64) with intrinsics evaluated.
func (r *Resolver) Resolve(n *yaml.Node) (any, error) {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	switch n.Tag {
	case "!Ref":
		return r.ref(n.Value)
	case "!GetAtt":
		return r.att(n.Value)
	case "!Sub":
		return r.sub(n.Value)
	case "!If":
		if len(n.Content) != 3 {
			return nil, fmt.Errorf("line %d: !If takes three items", n.Line)
		}
		cond, ok := r.Conditions[n.Content[0].Value]
		if !ok {
			return nil, fmt.Errorf("line %d: unknown condition %q", n.Line, n.Content[0].Value)
		}
		if cond {
			return r.Resolve(n.Content[1])
		}
		return r.Resolve(n.Content[2])
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return nil, fmt.Errorf("line %d: the local stack does not evaluate %s", n.Line, n.Tag)
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := r.Resolve(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		var s []any
		for _, c := range n.Content {
			v, err := r.Resolve(c)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!int", "!!float":
			return strconv.ParseFloat(n.Value, 64)
		case "!!bool":
			return n.Value == "true", nil
		case "!!null":
			return nil, nil
		}
		return n.Value, nil
	case 0:
		return nil, nil
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node", n.Line)
}

func (r *Resolver) ref(name string) (string, error) {
	if v, ok := r.Pseudo[name]; ok {
		return v, nil
	}
	if v, ok := r.Params[name]; ok {
		return v, nil
	}
	if v, ok := r.Refs[name]; ok {
		return v, nil
	}
	return "", fmt.Errorf("!Ref %s: not known to the local stack", name)
}

func (r *Resolver) att(name string) (string, error) {
	if v, ok := r.Atts[name]; ok {
		return v, nil
	}
	if r.Placeholders {
		return name, nil
	}
	return "", fmt.Errorf("!GetAtt %s: not known to the local stack", name)
}

func (r *Resolver) sub(s string) (string, error) {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		j := strings.Index(s[i:], "}")
		if j < 0 {
			return "", fmt.Errorf("!Sub %q: unclosed ${", s)
		}
		b.WriteString(s[:i])
		name := s[i+2 : i+j]
		var v string
		var err error
		if strings.Contains(name, ".") && !strings.HasPrefix(name, "AWS::") {
			v, err = r.att(name)
		} else {
			v, err = r.ref(name)
		}
		if err != nil {
			return "", err
		}
		b.WriteString(v)
		s = s[i+j+1:]
	}
}

// ResolveField resolves one property of a resource; a missing property is nil.
func (r *Resolver) ResolveField(props *yaml.Node, path ...string) (any, error) {
	n := lookup(props, path...)
	if n == nil {
		return nil, nil
	}
	return r.Resolve(n)
}

func lookup(n *yaml.Node, path ...string) *yaml.Node {
	for _, key := range path {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	return n
}
