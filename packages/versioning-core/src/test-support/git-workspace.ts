import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A real git repository in a temp dir, laid out like a small workspace with resources. */
export class GitWorkspace {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'modelos-ws-'));

  constructor() {
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.email', 'test@example.com');
    this.git('config', 'user.name', 'Test');
    this.write('.gitignore', '.modelos/\nnode_modules/\n');
  }

  write(file: string, content: string | Buffer): this {
    const abs = path.join(this.root, file);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
    return this;
  }

  read(file: string): string {
    return fs.readFileSync(path.join(this.root, file), 'utf8');
  }

  /** A resource project: resource.json plus a class with a constructor, a method and a static. */
  addResource(root: string, className: string, extraMembers = ''): this {
    const file = `src/${path.basename(root)}.ts`;
    this.write(`${root}/resource.json`, JSON.stringify({ formatVersion: '1', entry: file, class: className, requires: {} }));
    return this.write(
      `${root}/${file}`,
      `export class ${className} {
  constructor(private readonly a: string, private readonly b: number, private readonly c: boolean) {}
  bake(temp: number): string {
    return \`\${this.a} baked at \${temp}\`;
  }
  static getTemp(): number {
    return 180;
  }
${extraMembers}}
`,
    );
  }

  commit(message: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.root, encoding: 'utf8' }).trim();
  }

  remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
