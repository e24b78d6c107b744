import { describe, expect, it } from 'vitest';
import { detectGo } from '../../src/detect/go.js';
import { parseGoMod, parseGoWorkUses } from '../../src/detect/go-mod.js';
import { detectRepo, detectRepoOnDisk } from '../../src/detect/index.js';
import { filesFromMap } from '../../src/detect/repo-files.js';
import { GO_WORKSPACE } from '../helpers/multi-module.js';
import { fixture } from './helpers.js';

const MAIN = 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n';
const detect = (files: Record<string, string>, dir = '.') => {
  const facts = detectGo(filesFromMap(files), dir);
  if (facts === null) throw new Error('expected a go module');
  return facts;
};

describe('detectGo vendoring', () => {
  it('knows a vendored module (vendor/modules.txt) from one that downloads', () => {
    const main = 'package main\nfunc main() {}\n';
    expect(detect({ 'go.mod': 'module x\n\ngo 1.22\n', 'main.go': main, 'vendor/modules.txt': '# github.com/a/b v1.0.0\n' }).go?.vendored).toBe(true);
    expect(detect({ 'go.mod': 'module x\n\ngo 1.22\n', 'main.go': main }).go?.vendored).toBe(false);
  });
});

describe('parseGoMod', () => {
  it('reads module, go, toolchain and both require forms', () => {
    const mod = parseGoMod(
      'module example.com/svc // comment\n\ngo 1.22\ntoolchain go1.23.2\n\nrequire github.com/a/b v1.0.0\nrequire (\n\tgithub.com/c/d v2.0.0 // indirect\n\n\tgithub.com/e/f v0.1.0\n)\n',
    );
    expect(mod).toEqual({
      module: 'example.com/svc',
      go: '1.22',
      toolchain: '1.23.2',
      requires: ['github.com/a/b', 'github.com/c/d', 'github.com/e/f'],
      localReplaces: [],
    });
  });

  it('reads the folders replace directives point at, in both forms; module and version targets are not folders', () => {
    const mod = parseGoMod(
      'module x\n\nreplace example.com/shared => ./third_party/shared\nreplace (\n\texample.com/a v1.0.0 => ../../libs/a // local\n\texample.com/b => example.com/fork v1.2.0\n)\n',
    );
    expect(mod.localReplaces).toEqual(['./third_party/shared', '../../libs/a']);
    expect(detect({ 'go.mod': 'module x\n\nreplace example.com/s => ./third_party/s\n', 'main.go': MAIN }).go?.localReplaces).toEqual(['third_party/s']);
  });

  it('reads go.work use directives', () => {
    expect(parseGoWorkUses('go 1.23\n\nuse (\n\t./svc/a\n\t./svc/b // b\n)\nuse ./tools\n')).toEqual(['./svc/a', './svc/b', './tools']);
  });
});

describe('detectGo', () => {
  it('returns null without go.mod', () => {
    expect(detectGo(filesFromMap({ 'main.go': MAIN }), '.')).toBeNull();
  });

  it('keeps the go directive as written, and lets toolchain win', () => {
    expect(detect({ 'go.mod': 'module m\n\ngo 1.23\n', 'main.go': MAIN }).runtimeVersion).toBe('1.23');
    expect(detect({ 'go.mod': 'module m\n\ngo 1.23.4\n', 'main.go': MAIN }).runtimeVersion).toBe('1.23.4');
    const f = detect({ 'go.mod': 'module m\n\ngo 1.23.4\ntoolchain go1.24.1\n', 'main.go': MAIN });
    expect(f.runtimeVersion).toBe('1.24.1');
    expect(f.runtimeVersionSource).toBe('go.mod toolchain');
  });

  it('says when the server listens on the loopback address only, which nothing outside the container reaches', () => {
    const note = (main: string) => detect({ 'go.mod': 'module m\n\ngo 1.23\n', 'main.go': main }).notes.find((n) => n.includes('loopback'));
    expect(note(MAIN.replace('":8080"', '"localhost:8080"'))).toBe('main.go listens on localhost:8080, the container\'s loopback only: the load balancer and the platform\'s probes cannot reach it, so deploys fail their health checks; listen on ":8080" (every interface) instead');
    expect(note('package main\nfunc main() { r := gin.Default(); r.Run("127.0.0.1:3000") }\n')).toContain('listens on 127.0.0.1:3000');
    expect(note('package main\nvar srv = &http.Server{Addr: "localhost:9000"}\n')).toContain('listens on localhost:9000');
    expect(note(MAIN)).toBeUndefined();
    expect(note('package main\nfunc main() { e.Start("0.0.0.0:8080") }\n')).toBeUndefined();
    // A client calling a local service is no listen address.
    expect(note('package main\nfunc main() { http.Get("http://localhost:9090/x"); http.ListenAndServe(":8080", nil) }\n')).toBeUndefined();
  });

  it('builds the root when main.go is package main', () => {
    const f = detect({ 'go.mod': 'module github.com/acme/api\n', 'main.go': MAIN });
    expect(f.go?.mainPackage).toBe('.');
    expect(f.startCommand).toBe('./api');
  });

  it('prefers cmd/<module name>, then server, then api, else the first command', () => {
    const files = (names: string[], module = 'github.com/acme/billing') =>
      Object.fromEntries([['go.mod', `module ${module}\n`], ...names.map((n) => [`cmd/${n}/main.go`, MAIN])]);
    expect(detect(files(['api', 'billing', 'server'])).go?.mainPackage).toBe('./cmd/billing');
    expect(detect(files(['api', 'server', 'worker'])).go?.mainPackage).toBe('./cmd/server');
    expect(detect(files(['api', 'worker'])).go?.mainPackage).toBe('./cmd/api');
    expect(detect(files(['migrate', 'worker'])).go?.mainPackage).toBe('./cmd/migrate');
    // A /vN suffix is not the module's name.
    expect(detect(files(['billing', 'server'], 'github.com/acme/billing/v2')).go?.mainPackage).toBe('./cmd/billing');
  });

  it('ignores cmd folders that are not package main', () => {
    const f = detect({ 'go.mod': 'module m\n', 'cmd/lib/lib.go': 'package lib\n', 'cmd/tool/main.go': MAIN });
    expect(f.go?.mainPackage).toBe('./cmd/tool');
  });

  it('needs cgo for a known C-linking module or an import "C"', () => {
    expect(detect({ 'go.mod': 'module m\nrequire github.com/confluentinc/confluent-kafka-go/v2 v2.5.0\n', 'main.go': MAIN }).go?.cgo).toBe(true);
    expect(detect({ 'go.mod': 'module m\n', 'main.go': MAIN, 'native/lib.go': 'package native\n\n// #include <stdio.h>\nimport "C"\n' }).go?.cgo).toBe(true);
    expect(detect({ 'go.mod': 'module m\nrequire github.com/jackc/pgx/v5 v5.7.0\n', 'main.go': MAIN }).go?.cgo).toBe(false);
  });

  it.each([
    ['github.com/gin-gonic/gin', 'gin'],
    ['github.com/labstack/echo/v4', 'echo'],
    ['github.com/go-chi/chi/v5', 'chi'],
    ['github.com/gofiber/fiber/v2', 'fiber'],
    ['github.com/gorilla/mux', 'gorilla/mux'],
  ])('detects %s as %s', (module, name) => {
    expect(detect({ 'go.mod': `module m\nrequire ${module} v1.0.0\n`, 'main.go': MAIN }).framework).toBe(name);
  });

  it('falls back to net/http when the source imports it', () => {
    expect(detect({ 'go.mod': 'module m\n', 'main.go': MAIN }).framework).toBe('net/http');
  });

  it('reads the port from a PORT fallback before any literal address', () => {
    const code = 'package main\nfunc main() {\n\tport := getEnv("PORT", "9000")\n\t_ = ":8080"\n}\n';
    expect(detect({ 'go.mod': 'module m\n', 'main.go': code }).port).toBe(9000);
    expect(detect({ 'go.mod': 'module m\n', 'main.go': MAIN }).port).toBe(8080);
  });

  it.each([
    ['flag.Int', 'port := flag.Int("port", 8081, "port to listen on")\nhttp.ListenAndServe(fmt.Sprintf(":%d", *port), nil)'],
    ['flag.IntVar', 'flag.IntVar(&cfg.Port, "http-port", 8081, "HTTP port")'],
    ["pflag's IntP", 'cmd.Flags().IntP("port", "p", 8081, "port")'],
    ['flag.String', 'port := flag.String("port", "8081", "port")'],
    ["caarlos0/env's envDefault", 'type config struct {\n\tPort int `env:"PORT" envDefault:"8081"`\n}'],
    ["envconfig's default", 'type Spec struct {\n\tPort string `envconfig:"PORT" default:"8081"`\n}'],
    ["go-envconfig's default=", 'type C struct {\n\tPort int `env:"PORT, default=8081"`\n}'],
    ["viper's SetDefault", 'viper.SetDefault("server.port", 8081)'],
  ])('reads the port from %s', (_what, line) => {
    const code = `package main\n\nfunc main() {\n${line}\n}\n`;
    expect(detect({ 'go.mod': 'module m\n', 'main.go': code }).port).toBe(8081);
  });

  it('does not take another flag or tag default for the port', () => {
    const code = 'package main\n\ntype C struct {\n\tWorkers int `env:"WORKERS" envDefault:"8081"`\n}\n\nvar n = flag.Int("workers", 8081, "")\n';
    expect(detect({ 'go.mod': 'module m\n', 'main.go': code }).port).toBeNull();
  });

  describe('private modules', () => {
    const GO_MOD = 'module github.com/acme-corp/payments\n\ngo 1.24\n\nrequire (\n\tgithub.com/acme-corp/platform-go v1.4.0\n\tgit.acme.internal/libs/auth v0.3.1\n\tgithub.com/gin-gonic/gin v1.10.0\n)\n';
    const privateNote = (f: { notes: string[] }) => f.notes.find((n) => n.startsWith('go.mod requires private modules'));

    it('says which required modules GOPRIVATE marks private, and where it is set', () => {
      const f = detect({ 'go.mod': GO_MOD, 'main.go': MAIN, Makefile: 'export GOPRIVATE=github.com/acme-corp/*,git.acme.internal\nbuild:\n\tgo build .\n' });
      expect(privateNote(f)).toContain('(github.com/acme-corp/platform-go, git.acme.internal/libs/auth; GOPRIVATE in Makefile)');
      const workflow = detect({ 'go.mod': GO_MOD, 'main.go': MAIN, '.github/workflows/build.yml': 'env:\n  GOPRIVATE: "git.acme.internal"\n' });
      expect(privateNote(workflow)).toContain('(git.acme.internal/libs/auth; GOPRIVATE in .github/workflows/build.yml)');
    });

    it('says nothing without GOPRIVATE, when it matches no requirement, or when the modules are vendored', () => {
      expect(privateNote(detect({ 'go.mod': GO_MOD, 'main.go': MAIN }))).toBeUndefined();
      expect(privateNote(detect({ 'go.mod': GO_MOD, 'main.go': MAIN, '.envrc': 'export GOPRIVATE=github.com/other/*\n' }))).toBeUndefined();
      const vendored = { 'go.mod': GO_MOD, 'main.go': MAIN, Makefile: 'GOPRIVATE=git.acme.internal\n', 'vendor/modules.txt': '# git.acme.internal/libs/auth v0.3.1\n' };
      expect(privateNote(detect(vendored))).toBeUndefined();
    });
  });

  it('finds Go 1.22 method patterns as health routes', () => {
    const code = `${MAIN}\nfunc routes(mux *http.ServeMux) { mux.HandleFunc("GET /readyz", h); mux.HandleFunc("GET /livez", h) }\n`;
    expect(detect({ 'go.mod': 'module m\n', 'main.go': code }).healthPath).toBe('/livez');
  });

  it('lints with golangci-lint only when configured', () => {
    expect(detect({ 'go.mod': 'module m\n', 'main.go': MAIN }).lintCommand).toBeNull();
    expect(detect({ 'go.mod': 'module m\n', 'main.go': MAIN, '.golangci.yaml': '' }).lintCommand).toBe('golangci-lint run');
  });

  it('reports metrics libraries', () => {
    expect(detect({ 'go.mod': 'module m\nrequire go.opentelemetry.io/otel v1.31.0\n', 'main.go': MAIN }).metricsLibrary).toBe('opentelemetry');
  });
});

describe('detectGo: files the app reads at run time', () => {
  const app = (main: string, extra: Record<string, string> = {}) =>
    detect({ 'go.mod': 'module example.com/web\n\ngo 1.22\n', 'cmd/server/main.go': `package main\n\n${main}\n`, ...extra });

  it('finds template globs, template files, static folders and plain reads by literal relative path, when they exist', () => {
    const f = app(
      [
        'var tpl = template.Must(template.ParseGlob("templates/*.html"))',
        'var mail = template.Must(template.ParseFiles("mail/welcome.txt", "mail/bye.txt"))',
        'func routes(r *gin.Engine) { r.LoadHTMLGlob("web/views/**/*"); r.Static("/static", "./public"); r.StaticFile("/favicon.ico", "./public/favicon.ico") }',
        'var assets = http.FileServer(http.Dir("assets"))',
        'var cfg, _ = os.ReadFile("config.yaml")',
        'var certs, _ = os.ReadFile("/etc/ssl/certs/ca-certificates.crt")',
      ].join('\n'),
      { 'templates/index.html': '', 'mail/welcome.txt': '', 'mail/bye.txt': '', 'web/views/a/b.html': '', 'public/favicon.ico': '', 'assets/app.css': '', 'config.yaml': '' },
    );
    // A folder covers the files in it; the system's own absolute paths are not copied.
    expect(f.go?.runtimeFiles).toEqual(['assets', 'config.yaml', 'mail/bye.txt', 'mail/welcome.txt', 'public', 'templates', 'web/views']);
    expect(f.notes.join('\n')).toContain('the app reads assets, config.yaml, mail/bye.txt, mail/welcome.txt, public, templates, web/views at run time: the image copies them beside the binary');
  });

  it('says what it cannot copy: a missing path, a dotfile, a computed path', () => {
    const f = app('var a, _ = os.ReadFile("data/seed.json")\nvar b, _ = os.ReadFile(".env")\nvar t = template.Must(template.ParseGlob(dir + "/*.html"))', { '.env': '' });
    expect(f.go?.runtimeFiles).toEqual([]);
    const notes = f.notes.join('\n');
    expect(notes).toContain('cmd/server/main.go reads "data/seed.json" at run time (os.ReadFile), which is not a file or folder of the module: the image will not have it; embed it (//go:embed) or copy it in');
    expect(notes).toContain('reads ".env" at run time (os.ReadFile): the image leaves dotfiles out');
    expect(notes).toContain('reads files at run time (ParseGlob) by a computed path');
  });

  it('embedded files need nothing', () => {
    expect(app('//go:embed templates\nvar fs embed.FS\nvar tpl = template.Must(template.ParseFS(fs, "templates/*.html"))', { 'templates/a.html': '' }).go?.runtimeFiles).toEqual([]);
  });
});

describe('detectGo in a workspace (go.work)', () => {
  it('knows the go.work that uses the module, its folder and the modules it uses', () => {
    const f = detectRepo(filesFromMap(GO_WORKSPACE), { dirName: 'acme', serviceDir: 'services/api' });
    expect(f.go?.workspace).toEqual({ root: '../..', uses: ['libs/platform', 'services/api', 'services/billing'], hasSum: false });
    expect(f.go?.mainPackage).toBe('./cmd/server');
    expect(f.notes.join('\n')).toContain('module of the Go workspace go.work (use libs/platform, services/api, services/billing)');
  });

  it("knows when go.work.sum sits beside go.work: the module cache depends on it too", () => {
    const f = detectRepo(filesFromMap({ ...GO_WORKSPACE, 'go.work.sum': '' }), { dirName: 'acme', serviceDir: 'services/api' });
    expect(f.go?.workspace?.hasSum).toBe(true);
  });

  it('a go.work that does not use the module is not its workspace', () => {
    expect(detect({ ...GO_WORKSPACE, 'go.work': 'go 1.19\n\nuse ./libs/platform\n' }, 'services/api').go?.workspace).toBeNull();
  });

  it("takes go.work's Go version when it asks for more than the module: it binds the whole workspace", () => {
    const newer = detect({ ...GO_WORKSPACE, 'go.work': GO_WORKSPACE['go.work']!.replace('go 1.19', 'go 1.23.4') }, 'services/api');
    expect([newer.runtimeVersion, newer.runtimeVersionSource]).toEqual(['1.23.4', 'go.work go directive']);
    const older = detect(GO_WORKSPACE, 'services/api');
    expect([older.runtimeVersion, older.runtimeVersionSource]).toEqual(['1.19', 'services/api/go.mod go directive']);
  });
});

describe('go fixture on disk', () => {
  it('module with cmd/server, a cgo dependency and a chi router', () => {
    const f = detectRepoOnDisk(fixture('go-cgo'));
    expect(f.language).toBe('go');
    expect(f.go).toEqual({ module: 'github.com/acme/orders', mainPackage: './cmd/server', cgo: true, vendored: false, localReplaces: [], workspace: null, runtimeFiles: [] });
    expect(f.runtimeVersion).toBe('1.24.1');
    expect(f.framework).toBe('chi');
    expect(f.port).toBe(8081);
    expect(f.portSource).toBe('cmd/server/main.go');
    expect(f.healthPath).toBe('/healthz');
    expect(f.metricsLibrary).toBe('client_golang');
    expect(f.buildCommand).toBe('go build ./...');
    expect(f.testCommand).toBe('go test ./...');
    expect(f.lintCommand).toBe('golangci-lint run');
    expect(f.lockfile).toBe('go.sum');
    expect(f.notes.join('\n')).toMatch(/several commands \(cmd\/migrate, cmd\/server\): building cmd\/server/);
    expect(f.notes.join('\n')).toMatch(/cgo needed: go.mod requires github.com\/mattn\/go-sqlite3/);
  });
});
