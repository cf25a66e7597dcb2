// Package report is vigil's one report model: risk levels, findings with
// their evidence, per-file results and the rules that produce them. Every
// renderer reads this model and nothing else.
package report

import (
	"fmt"
	"strings"
)

// Level is a risk level. The zero value is None.
type Level uint8

// Risk levels, lowest first.
const (
	None Level = iota
	Low
	Medium
	High
	Critical
)

var levelNames = [...]string{"none", "low", "medium", "high", "critical"}

func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return fmt.Sprintf("level(%d)", l)
}

// ParseLevel accepts a level name in any case.
func ParseLevel(s string) (Level, error) {
	for i, n := range levelNames {
		if strings.EqualFold(s, n) {
			return Level(i), nil
		}
	}
	return None, fmt.Errorf("unknown risk level %q (want none, low, medium, high or critical)", s)
}

// MarshalText writes the level's name, so JSON carries "high", not 3.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText reads a level's name.
func (l *Level) UnmarshalText(b []byte) error {
	v, err := ParseLevel(string(b))
	*l = v
	return err
}

// Raise returns l moved up by n levels, capped at Critical.
func (l Level) Raise(n int) Level {
	v := int(l) + n
	if v > int(Critical) {
		v = int(Critical)
	}
	if v < 0 {
		v = 0
	}
	return Level(v)
}
