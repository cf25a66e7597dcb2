// Type declarations name dangerous functions without calling them.
import { ChildProcess } from "child_process";
declare function eval(x: string): any;
interface Runner {
  exec(command: string, options?: object): ChildProcess;
  spawn(file: string, args?: string[]): ChildProcess;
  compile(code?: string): Function;
}
export declare const run: (src: string) => Function;
