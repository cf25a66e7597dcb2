package format

import "testing"

func TestBudget(t *testing.T) {
	lim := DefaultLimits
	for _, c := range []struct {
		ratio, packed, want int64
	}{
		{1, 50_000, MinBudget},
		{1000, 1 << 20, 1000 << 20},
		{1000, 1 << 40, lim.MaxTotalBytes},
		{0, 1 << 20, lim.MaxTotalBytes},
	} {
		lim.MaxRatio = c.ratio
		if got := Budget(lim, c.packed); got != c.want {
			t.Errorf("Budget(ratio %d, packed %d) = %d, want %d", c.ratio, c.packed, got, c.want)
		}
	}
}
