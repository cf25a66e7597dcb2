// A tiny .NET assembly: two classes, user strings and a Process.Start call.
using System;
using System.Diagnostics;
namespace Acme.Tools {
  public class Greeter {
    public string Greet(string who) { return "Hello, " + who; }
  }
  public class Updater {
    public void Run() { Process.Start("notepad.exe", "https://updates.acme.example/notes.txt"); }
  }
  public static class Program {
    public static void Main() { Console.WriteLine(new Greeter().Greet("world")); }
  }
}
