package pe

import "strings"

// A capability is a family of imported functions that together say what a
// program can do.
type capability int

const (
	capNetwork  capability = iota // talks to the network
	capDownload                   // downloads a URL straight to a file
	capExec                       // starts processes
	capMemory                     // allocates or re-protects memory in its own process
	capInject                     // writes into or runs code in another process
	numCaps
)

// networkDLLs are imported for their network functions as a whole.
var networkDLLs = map[string]bool{
	"wininet.dll": true, "winhttp.dll": true, "ws2_32.dll": true, "wsock32.dll": true,
	"dnsapi.dll": true, "mswsock.dll": true,
}

// capFuncs maps function names (without the A/W suffix) to capabilities.
var capFuncs = map[string]capability{
	"URLDownloadToFile": capDownload, "URLDownloadToCacheFile": capDownload, "URLOpenBlockingStream": capDownload,

	"CreateProcess": capExec, "CreateProcessAsUser": capExec, "CreateProcessWithLogon": capExec,
	"CreateProcessWithToken": capExec, "WinExec": capExec, "ShellExecute": capExec, "ShellExecuteEx": capExec,
	"system": capExec, "_wsystem": capExec, "_popen": capExec, "_wpopen": capExec,

	"VirtualAlloc": capMemory, "VirtualProtect": capMemory, "NtAllocateVirtualMemory": capMemory,
	"NtProtectVirtualMemory": capMemory,

	"VirtualAllocEx": capInject, "VirtualProtectEx": capInject, "WriteProcessMemory": capInject,
	"CreateRemoteThread": capInject, "CreateRemoteThreadEx": capInject, "NtUnmapViewOfSection": capInject,
	"ZwUnmapViewOfSection": capInject, "NtQueueApcThread": capInject, "NtWriteVirtualMemory": capInject,
	"RtlCreateUserThread": capInject, "NtCreateThreadEx": capInject,
	// Left out on purpose: SetThreadContext (the Go runtime imports it to
	// preempt goroutines), QueueUserAPC and NtMapViewOfSection (thread
	// pools, shared memory): common in honest programs.
}

// classify returns the capability of one import ("dll!Function"), or
// false. Network DLLs count as a whole; other functions by name.
func classify(imp string) (capability, bool) {
	dll, fn, _ := strings.Cut(imp, "!")
	if c, ok := capFuncs[fn]; ok {
		return c, true
	}
	if n := len(fn); n > 1 && (fn[n-1] == 'A' || fn[n-1] == 'W') {
		if c, ok := capFuncs[fn[:n-1]]; ok {
			return c, true
		}
	}
	if networkDLLs[dll] {
		return capNetwork, true
	}
	return 0, false
}

// capabilities groups imports by capability, each list sorted.
func capabilities(imports []string) [numCaps][]string {
	var caps [numCaps][]string
	for _, imp := range imports {
		if c, ok := classify(imp); ok {
			caps[c] = append(caps[c], imp)
		}
	}
	return caps
}
