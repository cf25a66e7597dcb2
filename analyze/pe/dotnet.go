package pe

import "github.com/vigilsec/vigil/report"

func (img *image) dotnetFindings() []report.Finding { return nil }
