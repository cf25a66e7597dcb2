package msi

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/richardlehane/msoleps"
)

// maxSummaryBytes bounds the summary information stream; real ones are
// under 1 KiB.
const maxSummaryBytes = 1 << 20

// summaryText renders the \005SummaryInformation property set as
// "Name: value" lines: title, author, platform and languages (Template),
// package code (RevNumber), creating tool and so on. Reviewers read it and
// a diff of two releases shows what changed.
func summaryText(b []byte) (text string, err error) {
	defer func() {
		if r := recover(); r != nil {
			text, err = "", fmt.Errorf("msi: summary information: %v", r)
		}
	}()
	props, err := msoleps.NewFrom(bytes.NewReader(b))
	if err != nil {
		return "", fmt.Errorf("msi: summary information: %w", err)
	}
	var s strings.Builder
	for _, p := range props.Property {
		fmt.Fprintf(&s, "%s: %s\n", p.Name, p.String())
	}
	return s.String(), nil
}
