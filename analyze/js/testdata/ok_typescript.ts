import { spawnSync } from "node:child_process";
interface Options<T extends object = {}> { cwd?: string; extra?: T }
export function git<T extends object>(args: string[], opts: Options<T> = {}): string {
  const r = spawnSync("git", args, { cwd: opts.cwd, encoding: "utf8" });
  return r.stdout as string;
}
const el = <T,>(x: T): T => x;
export default el;
