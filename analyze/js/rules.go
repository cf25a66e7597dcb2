package js

import "github.com/vigilsec/vigil/report"

// Rule IDs. They are stable: reports, suppressions and diffs refer to them.
const (
	RuleObfuscator     = "js.obfuscator"
	RuleLongLine       = "js.long-line"
	RuleEncodedBlob    = "js.encoded-blob"
	RuleHiddenName     = "js.hidden-name"
	RuleDynamicCode    = "js.dynamic-code"
	RuleDynamicRequire = "js.dynamic-require"
	RuleChildProcess   = "js.child-process"
	RuleExec           = "js.exec"
	RuleHiddenProcess  = "js.hidden-process"
	RuleShellDecode    = "js.shell-decode-exec"
	RuleNetwork        = "js.network"
	RuleEndpoint       = "js.endpoint"
	RuleEnvDump        = "js.env-dump"
	RuleEnvSecret      = "js.env-secret"
	RuleCredential     = "js.credential-path"
	RuleHook           = "js.hook"
	RuleScriptInject   = "js.script-inject"
	RuleCombination    = "js.combination"
	RuleAnalyzerError  = "js.analyzer-error"
)

var rules = []report.Rule{
	{ID: RuleObfuscator, Level: report.High, Summary: "javascript-obfuscator output",
		Help: "Hexadecimal _0x identifiers in quantity, rotated string arrays, while(!![]) control-flow flattening or parseInt(...)/0x1 checksums: code written so that nobody can review it. Honest packages ship minified code, not this."},
	{ID: RuleLongLine, Level: report.Low, Summary: "extremely long line",
		Help: "A line of many kilobytes. Minified bundles are normal; one huge line among short readable ones is how injected code hides from a casual diff."},
	{ID: RuleEncodedBlob, Level: report.Medium, Summary: "encoded blob decoded at run time",
		Help: "A long base64 or hex literal handed to atob, Buffer.from or a decipher. Raised to high when the decoded text is code or a shell command."},
	{ID: RuleHiddenName, Level: report.High, Summary: "sensitive name hidden in an encoded string",
		Help: "A string literal that decodes (escapes, hex, base64, String.fromCharCode, split pieces) to a module or API name such as child_process, eval or _compile. Honest code has no reason to hide these."},
	{ID: RuleDynamicCode, Level: report.Medium, Summary: "code built at run time is executed",
		Help: "eval, Function, vm.runIn*/vm.Script or Module._compile on a value that is not a literal. Template engines do this; raised to high when the file also decodes, decrypts or downloads what it runs."},
	{ID: RuleDynamicRequire, Level: report.Low, Summary: "require of a computed path",
		Help: "require() or import() whose argument is not a string literal: plugin loaders do it, and so do droppers that hide the module name."},
	{ID: RuleChildProcess, Level: report.Medium, Summary: "uses child_process",
		Help: "The file can start other programs."},
	{ID: RuleExec, Level: report.Medium, Summary: "starts a program",
		Help: "A call to exec, spawn, fork or a similar helper; the evidence is the command as far as it is literal."},
	{ID: RuleHiddenProcess, Level: report.Medium, Summary: "starts a detached, hidden process",
		Help: "spawn with detached and windowsHide: the child outlives the installer and shows no window."},
	{ID: RuleShellDecode, Level: report.High, Summary: "encoded script handed to a shell",
		Help: "A command such as echo <base64> | base64 -d | bash or powershell -enc: the script that runs is not readable in the release."},
	{ID: RuleNetwork, Level: report.Low, Summary: "uses the network",
		Help: "http, https, net, dgram, tls, dns, fetch, XMLHttpRequest, WebSocket or an HTTP client library."},
	{ID: RuleEndpoint, Level: report.Low, Summary: "network endpoint in a string",
		Help: "A URL, host name or IP address written in a string literal. Raw IP addresses are medium."},
	{ID: RuleEnvDump, Level: report.Medium, Summary: "reads the whole environment",
		Help: "JSON.stringify(process.env), Object.entries(process.env) and the like: every secret in the environment at once. High when the file also uses the network."},
	{ID: RuleEnvSecret, Level: report.Low, Summary: "reads a secret from the environment",
		Help: "process.env.NPM_TOKEN, GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY and other variables whose names say they hold a secret."},
	{ID: RuleCredential, Level: report.Medium, Summary: "names a credential store",
		Help: ".npmrc, .ssh, .git-credentials, .aws, browser storage (Login Data, Cookies, Local Storage, leveldb) or a wallet. High when the file also uses the network."},
	{ID: RuleHook, Level: report.Medium, Summary: "replaces a browser API or wallet provider",
		Help: "window.fetch =, XMLHttpRequest.prototype.open/send =, window.ethereum or window.solana: how clippers rewrite requests and transactions."},
	{ID: RuleScriptInject, Level: report.Medium, Summary: "adds a script element at run time",
		Help: "document.createElement(\"script\") loads code from wherever its src points, which the release does not contain. Bundlers' chunk loaders do it too; in a diff, a few injected lines doing it are high."},
	{ID: RuleCombination, Level: report.Critical, Summary: "dangerous combination in one file",
		Help: "Obfuscation together with network use or code execution, credential or environment reads together with network use, a wallet provider together with request hooks, or execution of decoded data."},
	{ID: RuleAnalyzerError, Level: report.Low, Summary: "the JavaScript analyzer failed",
		Help: "An internal error stopped the analysis of this file; its other findings are missing. Please report it."},
}
