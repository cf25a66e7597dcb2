package shell

import (
	"regexp"

	"github.com/vigilsec/vigil/report"
)

// Rule IDs.
const (
	RulePipeToShell     = "shell.pipe-to-shell"
	RuleDownloadExec    = "shell.download-exec"
	RuleDecodeExec      = "shell.decode-exec"
	RuleEvalPipeline    = "shell.eval-pipeline"
	RuleTrSwap          = "shell.tr-swap"
	RuleReverseShell    = "shell.reverse-shell"
	RuleEnvExfil        = "shell.env-exfil"
	RuleCredExfil       = "shell.credential-exfil"
	RuleIEXDownload     = "shell.iex-download"
	RuleEncodedPS       = "shell.encoded-powershell"
	RuleCertutil        = "shell.certutil-download"
	RuleCertutilDecode  = "shell.certutil-decode"
	RuleBitsadmin       = "shell.bitsadmin-transfer"
	RuleRemoteScriptlet = "shell.remote-scriptlet"
	RuleHidden          = "shell.hidden-execution"
	RuleStealth         = "shell.silenced-network"
	RuleNetwork         = "shell.network"
	RulePersistence     = "shell.persistence"
	RuleAuthorizedKeys  = "shell.authorized-keys"
	RuleCredRead        = "shell.credential-read"
	RuleRawIP           = "shell.raw-ip-download"
)

func rule(id string, lvl report.Level, summary, help string) report.Rule {
	return report.Rule{ID: id, Level: lvl, Summary: summary, Help: help}
}

var rules = []report.Rule{
	rule(RulePipeToShell, report.High, "downloaded code piped into an interpreter",
		"curl | sh and iwr | iex run whatever the server returns at that moment; a release should not fetch its own code at run or install time."),
	rule(RuleDownloadExec, report.High, "file downloaded, then made executable or run",
		"Download-then-execute is the dropper shape: the payload is not in the release, so nothing reviewed it."),
	rule(RuleDecodeExec, report.High, "decoded or decompressed data run as code",
		"base64 -d | sh, xz -d | eval and FromBase64String | iex hide the code that runs from any reader of the script (the xz-utils backdoor was unpacked this way)."),
	rule(RuleEvalPipeline, report.Medium, "eval in the middle of a pipeline",
		"eval that filters data between two commands rewrites the stream with code built at run time; build scripts almost never need it."),
	rule(RuleTrSwap, report.Medium, "tr that swaps characters among themselves",
		"tr with two sets that are one permutation undoes deliberate corruption of a file, as the xz-utils backdoor did to its test data."),
	rule(RuleReverseShell, report.High, "reverse shell",
		"/dev/tcp redirections, nc -e and socat exec: give a remote host an interactive shell."),
	rule(RuleEnvExfil, report.High, "environment or repository remotes sent over the network",
		"$(env) in a curl body posts every token and key of a CI job; the Codecov uploader was tampered this way."),
	rule(RuleCredExfil, report.High, "credential file sent over the network",
		"Uploading ~/.ssh, ~/.npmrc, ~/.aws or .git-credentials hands the keys of the machine to the receiver."),
	rule(RuleIEXDownload, report.High, "PowerShell runs downloaded text",
		"IEX (New-Object Net.WebClient).DownloadString(...) runs whatever the server returns."),
	rule(RuleEncodedPS, report.High, "PowerShell run with an encoded command",
		"-EncodedCommand hides the script from a reader; the decoded command is inspected too."),
	rule(RuleCertutil, report.High, "certutil used to download",
		"certutil -urlcache -f fetches files with a signed system binary to slip past filters."),
	rule(RuleCertutilDecode, report.Medium, "certutil used to decode a file",
		"certutil -decode turns a text blob into a binary, a common way to smuggle a payload."),
	rule(RuleBitsadmin, report.Medium, "bitsadmin transfer",
		"bitsadmin /transfer downloads with a system binary; installers rarely need it."),
	rule(RuleRemoteScriptlet, report.High, "system binary runs a remote scriptlet",
		"regsvr32 /i:http, mshta http and rundll32 javascript: run code from a URL through a signed Windows binary."),
	rule(RuleHidden, report.Medium, "program started hidden or detached",
		"start /B and -WindowStyle Hidden keep the user from seeing what an install step runs."),
	rule(RuleStealth, report.Low, "network call whose failure is silenced",
		"|| true after a network call keeps a failing side channel from breaking the build; worth a look when the endpoint is not the vendor's."),
	rule(RulePersistence, report.Medium, "installs itself to run again later",
		"crontab, shell rc files, systemd units, launchd agents, scheduled tasks and Run keys make a program start again after the install; honest installers do this too, so it is worth a look, not an alarm."),
	rule(RuleAuthorizedKeys, report.High, "adds an SSH key to authorized_keys",
		"Appending to ~/.ssh/authorized_keys gives whoever holds the key a login on the machine."),
	rule(RuleCredRead, report.Medium, "reads a credential file",
		"~/.ssh, ~/.aws, ~/.npmrc, .git-credentials, /etc/shadow. High in a script that also uses the network."),
	rule(RuleRawIP, report.Medium, "network command to a raw IP address",
		"A download or upload addressed to a public IP instead of the vendor's host name; with its failure silenced (|| true) it is the Codecov shape."),
	rule(RuleNetwork, report.Low, "network tool used",
		"The script calls a download tool."),
}

// Line rules: a regexp over one logical line of code (comments masked).
// need lists lower-case words of which the line must contain one before
// the regexp is tried: most lines contain none, and the check is cheap.
type lineRule struct {
	id    string
	level report.Level
	msg   string
	need  []string
	re    *regexp.Regexp
}

var lineRules = []lineRule{
	{RuleAuthorizedKeys, report.High, "a key is appended to the user's or root's authorized_keys",
		[]string{"authorized_keys"},
		regexp.MustCompile(`(?i)(?:>>|\btee\s+-a)\s*["']?(?:~|\$home|\$\{home\}|/root)/\.ssh/authorized_keys\b`)},
	{RuleAuthorizedKeys, report.Medium, "a file is written to authorized_keys",
		[]string{"authorized_keys"},
		regexp.MustCompile(`>>?\s*["']?\S*authorized_keys\b|\btee\s+(?:-a\s+)?["']?\S*authorized_keys\b`)},
	{RulePersistence, report.Medium, "the script installs something to run again later",
		[]string{"crontab", "bashrc", "zshrc", "profile", "/etc/cron", "systemctl", "launchctl", "schtasks", "currentversion"},
		regexp.MustCompile(`(?i)\|\s*crontab\s+-\s*$|\|\s*crontab\s+-\s|>>\s*["']?(?:~|\$home|\$\{home\})/\.(?:bashrc|bash_profile|profile|zshrc|zprofile)\b|>>?\s*["']?/etc/(?:cron\.[a-z]+/|crontab|rc\.local|profile\.d/)|\bsystemctl\s+(?:--\S+\s+)*enable\b|\blaunchctl\s+(?:load|bootstrap)\b|\bschtasks(?:\.exe)?\s+/create\b|currentversion\\+run(?:once)?\b`)},
	{RuleCredRead, report.Medium, "the script reads a credential file",
		[]string{".ssh", ".aws", ".npmrc", "credentials", ".netrc", ".docker", ".kube", ".gnupg", "shadow"},
		regexp.MustCompile(`(?i)\b(?:cat|cp|tar|zip|base64|scp|gpg|xxd|od|openssl|curl|rsync)\b[^\n|;]*?(?:(?:~|\$home|\$\{home\}|\$userprofile|%userprofile%)[/\\]\.(?:ssh|aws|npmrc|git-credentials|netrc|docker|kube|gnupg|pypirc)\b|/etc/shadow\b)`)},
	{RulePipeToShell, report.High, "the output of a download is run by a shell",
		[]string{"curl", "wget"},
		regexp.MustCompile(`(?i)\b(?:ba|z|da|k)?sh\s+(?:-\S+\s+)*(?:-c\s+["']?\$\(|<\()\s*(?:curl|wget)\b|\b(?:eval|source|\.)\s+["']?[$<]\(\s*(?:curl|wget)\b|\bpython[0-9.]*\s+-c\s+["']?\$\(\s*(?:curl|wget)\b`)},
	{RuleDecodeExec, report.High, "decoded data is run through eval or sh -c",
		[]string{"eval", "-c"},
		regexp.MustCompile(`(?i)(?:\beval|\b(?:ba|z|da|k)?sh\s+(?:-\S+\s+)*-c)\s+["']?\$\([^)]*?(?:\bbase64\s+(?:-d|--decode|-D)\b|\bxxd\s+-r|\bopenssl\s+(?:enc|base64)\b[^)]*?\s-d\b|\bgunzip\b|\bzcat\b|\bxz\s+-d|\bxzcat\b|\bprintf\s+["']?\\x)`)},
	{RuleIEXDownload, report.High, "PowerShell evaluates text it downloads",
		[]string{"iex", "invoke-expression"},
		regexp.MustCompile(`(?i)\b(?:iex|invoke-expression)\b[^\n]*?(?:downloadstring|downloaddata|\biwr\b|\birm\b|invoke-webrequest|invoke-restmethod|net\.webclient)|(?:downloadstring|downloaddata)\s*\([^\n]*\|\s*(?:iex|invoke-expression)\b`)},
	{RuleDecodeExec, report.High, "PowerShell evaluates text decoded from base64",
		[]string{"frombase64string"},
		regexp.MustCompile(`(?i)\b(?:iex|invoke-expression)\b[^\n]*?frombase64string|frombase64string[^\n]*\|\s*(?:iex|invoke-expression)\b`)},
	{RuleCertutil, report.High, "certutil downloads a file",
		[]string{"certutil"},
		regexp.MustCompile(`(?i)\bcertutil(?:\.exe)?\b[^\n]*?[-/]urlcache\b`)},
	{RuleCertutilDecode, report.Medium, "certutil decodes a file",
		[]string{"certutil"},
		regexp.MustCompile(`(?i)\bcertutil(?:\.exe)?\b[^\n]*?[-/]decode(?:hex)?\b`)},
	{RuleBitsadmin, report.Medium, "bitsadmin transfers a file",
		[]string{"bitsadmin"},
		regexp.MustCompile(`(?i)\bbitsadmin(?:\.exe)?\b[^\n]*?/transfer\b`)},
	{RuleRemoteScriptlet, report.High, "a system binary runs code from a URL",
		[]string{"regsvr32", "mshta", "rundll32"},
		regexp.MustCompile(`(?i)\bregsvr32(?:\.exe)?\b[^\n]*?[/-]i:\s*["']?(?:https?|ftp)://|\bmshta(?:\.exe)?\s+["']?(?:https?|javascript|vbscript):|\brundll32(?:\.exe)?\b[^\n]*?javascript:`)},
	{RuleReverseShell, report.High, "a shell is connected to a remote host",
		[]string{"/dev/tcp", "/dev/udp", "nc", "socat", "mkfifo", "tcpclient"},
		regexp.MustCompile(`(?i)/dev/(?:tcp|udp)/[^\s/]+/\d|\b(?:nc|ncat|netcat)\b[^\n|;]*?\s-[a-z]*[ec]\s+\S*(?:sh|cmd)\b|\bsocat\b[^\n]*?\btcp[46]?:[^\n]*?\bexec:["']?[^\s,"']*?\b(?:ba|z|da)?sh\b|\bmkfifo\b[^\n]*?\b(?:nc|ncat|telnet)\b|net\.sockets\.tcpclient[^\n]*?getstream`)},
	{RuleCredExfil, report.High, "a credential file is uploaded",
		[]string{"curl", "wget", "iwr", "invoke-"},
		regexp.MustCompile(`(?i)\b(?:curl|wget|iwr|invoke-webrequest|invoke-restmethod)\b[^\n]*?(?:\s(?:-d|--data[-a-z]*|-F|--form|-T|--upload-file|--post-file|-InFile|-Body)[\s=]+["']?@?|\$\(cat\s+)[^\s"']*(?:\.ssh/|\.aws/|\.npmrc|\.git-credentials|\.netrc|\.docker/config|/etc/passwd|/etc/shadow|\.kube/config|\.pypirc|\.gnupg/)`)},
	{RuleHidden, report.Medium, "a program is started detached, without a window",
		[]string{"start"},
		regexp.MustCompile(`(?i)(?:^|[\s&|(])start\s+(?:"[^"]*"\s+)?/b\b`)},
	{RuleHidden, report.Medium, "PowerShell runs with a hidden window",
		[]string{"powershell", "pwsh", "start-process"},
		regexp.MustCompile(`(?i)\b(?:powershell|pwsh|start-process)\b[^\n]*?\s-w(?:indowstyle|in\w*)?\s+["']?h(?:idden)?\b`)},
}

// envDump matches an expression that expands to the whole environment or
// to the repository's remotes.
var envDump = regexp.MustCompile(`(?i)\$\(\s*(?:env|printenv|set|export\s+-p|declare\s+-x|git\s+remote\s+-v|git\s+config\s+--list)\s*\)|\x60\s*(?:env|printenv|git\s+remote\s+-v)\s*\x60|(?:^|[;&|(]\s*)(?:env|printenv)\s*\||\b(?:gci|get-childitem|dir|ls)\s+env:|\[environment\]::getenvironmentvariables\(\s*\)`)

// senderWords prefilter sender.
var senderWords = []string{"curl", "wget", "nc", "iwr", "irm", "invoke-", "upload"}

// sender matches a command that sends data over the network.
var sender = regexp.MustCompile(`(?i)\b(?:curl|wget|nc|ncat|iwr|irm|invoke-webrequest|invoke-restmethod|uploadstring|uploaddata|uploadvalues)\b`)

// decodeWords prefilter encodedPS and b64Payload.
var decodeWords = []string{"powershell", "pwsh", "base64", "openssl"}

// encodedPS matches powershell -EncodedCommand and its prefixes.
var encodedPS = regexp.MustCompile(`(?i)\b(?:powershell|pwsh)(?:\.exe)?\b[^\n]*?\s[-/]e(?:n[a-z]*)?\s+["']?([A-Za-z0-9+/]{8,}={0,2})`)

// b64Payload matches a base64 literal handed to a decoder.
var b64Payload = regexp.MustCompile(`(?i)\b(?:echo|printf)\s+(?:-[ne]+\s+)?["']?([A-Za-z0-9+/]{16,}={0,2})["']?\s*\|\s*(?:base64|openssl)\b|\bbase64\s+(?:-d|--decode|-D)\s*<<<\s*["']?([A-Za-z0-9+/]{16,}={0,2})`)
