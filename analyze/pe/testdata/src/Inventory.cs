using System;
using System.IO;
namespace Orion.Core {
  public class Inventory {
    public string Name = "core";
    public int Count(string[] items) { return items.Length; }
    public string Read(string path) { return File.ReadAllText(path); }
  }
}
