// A tiny .NET assembly: two classes, user strings and a Process.Start call.
// Built with -define:TELEMETRY it gains a class and a method, as a new
// release would.
using System;
using System.Diagnostics;
namespace Acme.Tools {
  public class Greeter {
    public string Greet(string who) { return "Hello, " + who; }
#if TELEMETRY
    public string Farewell(string who) { return "Bye, " + who; }
#endif
  }
  public class Updater {
    public void Run() { Process.Start("notepad.exe", "https://updates.acme.example/notes.txt"); }
  }
#if TELEMETRY
  public class Telemetry {
    public void Send() { Console.WriteLine("telemetry"); }
  }
#endif
  public static class Program {
    public static void Main() { Console.WriteLine(new Greeter().Greet("world")); }
  }
}
