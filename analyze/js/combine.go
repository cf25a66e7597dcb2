package js

import (
	"sort"
	"strings"

	"github.com/vigilsec/vigil/report"
)

// combinations raises what one file does in concert. Each capability is
// common alone; together they are what a payload needs.
func (f *file) combinations() {
	has := func(c int) bool { return c >= 0 }
	if has(f.obfuscated) {
		var with []string
		if has(f.network) {
			with = append(with, "network")
		}
		if has(f.exec) {
			with = append(with, "program execution")
		}
		if has(f.dynamic) {
			with = append(with, "dynamic code")
		}
		if has(f.credential) || has(f.envDump) || has(f.hook) || has(f.wallet) {
			with = append(with, "credential or API hooking")
		}
		if len(with) > 0 {
			f.combo(f.obfuscated, report.Critical, "obfuscation + "+strings.Join(with, " + "),
				"obfuscated code in a file that also has "+strings.Join(with, " and "))
		}
	}
	if has(f.credential) && has(f.network) {
		f.combo(f.credential, report.High, "credential store + network",
			"reads a credential store ("+f.findings[f.credential].Match+") in a file that also talks to the network")
	}
	// Listing the environment's names is common (debug, config loaders);
	// serialising it, or listing it next to a request, is sending it.
	if f.envSent >= 0 && has(f.network) {
		f.add(RuleCombination, report.High, f.off(f.envSent), "whole environment + network",
			"serialises the whole environment (JSON.stringify(process.env)) in a file that also talks to the network")
	} else if at := near(f.envAt, f.netAt); at >= 0 {
		// Servers read their environment next to requests all the time;
		// without serialising it this is a lead, not an alarm.
		f.add(RuleCombination, report.Medium, f.off(at), "whole environment + network",
			"reads the whole environment a few statements from a network request")
	}
	if has(f.wallet) && has(f.hook) {
		f.combo(f.hook, report.High, "wallet provider + request hook",
			"reaches a wallet provider ("+f.findings[f.wallet].Match+") and rewrites the page's requests ("+f.findings[f.hook].Match+"): the shape of a crypto clipper")
	}
	if at := near(f.dynAt, f.netAt); at >= 0 {
		// A module loader fetches relative or computed paths and runs
		// them; a backdoor fetches from a server written into the file.
		level := f.nearLevel()
		if !f.hasRule(RuleEndpoint) {
			level = report.Medium
		}
		f.add(RuleCombination, level, f.off(at), "network response + dynamic code",
			"runs code built at run time a few statements from a network request: the shape of a loader that runs what it downloads")
	}
	if hidden := f.hiddenDecode(); has(f.dynamic) && has(hidden) {
		f.combo(f.dynamic, report.High, "decoded data + dynamic code",
			"runs code built at run time ("+f.findings[f.dynamic].Match+") in a file that decodes hidden data ("+f.findings[hidden].Match+")")
	} else if at := near(f.dynAt, f.decipherAt); at >= 0 {
		f.add(RuleCombination, f.nearLevel(), f.off(at), "decrypted data + dynamic code",
			"runs code built at run time a few statements from a decipher: the shape of a loader that runs what it decrypts")
	}
}

// bundleSize is the size past which a file is taken for a bundle of many
// modules, where two capabilities a few statements apart are as likely
// neighbouring libraries as one routine.
const bundleSize = 512 << 10

// nearLevel is the level of a combination judged by proximity alone.
func (f *file) nearLevel() report.Level {
	if len(f.src) > bundleSize {
		return report.Medium
	}
	return report.High
}

// hiddenDecode returns the index of the first decoding that hides
// something (a sensitive name, a script, escaped code), or -1. A plain
// encoded blob, such as a bundled WebAssembly module, does not count.
func (f *file) hiddenDecode() int {
	if f.decode < 0 {
		return -1
	}
	for i := f.decode; i < len(f.findings); i++ {
		switch fd := f.findings[i]; fd.Rule {
		case RuleHiddenName, RuleEncodedBlob, RuleShellDecode, RuleDynamicCode:
			if fd.Level >= report.High {
				return i
			}
		}
	}
	return -1
}

// hasRule reports whether the file has a finding of the rule.
func (f *file) hasRule(rule string) bool {
	for _, fd := range f.findings {
		if fd.Rule == rule {
			return true
		}
	}
	return false
}

// combo adds a combination finding placed at the finding with index at.
func (f *file) combo(at int, level report.Level, match, msg string) {
	fd := f.findings[at]
	f.add(RuleCombination, level, int(fd.Offset), match, msg)
}

// nearby is how many tokens apart two uses may be to count as one
// routine: a function or two, not a whole bundle, where a template engine
// and an HTTP client or a decipher can sit side by side.
const nearby = 300

// near returns the first of the token indexes at that lies within nearby
// tokens of one of targets (sorted), or -1.
func near(at, targets []int) int {
	for _, d := range at {
		k := sort.SearchInts(targets, d-nearby)
		if k < len(targets) && targets[k] <= d+nearby {
			return d
		}
	}
	return -1
}
