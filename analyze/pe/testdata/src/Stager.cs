// Shape of a .NET stager (never run): an assembly decoded from base64 and
// loaded in memory. The payload is a few inert bytes.
using System;
using System.Reflection;
namespace Contoso.Update {
  public static class Boot {
    public static void Main() {
      byte[] b = Convert.FromBase64String("TVqQAAMAAAAEAAAA");
      Assembly a = Assembly.Load(b);
      Console.WriteLine(a.FullName);
    }
  }
}
