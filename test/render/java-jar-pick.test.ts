import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderStack } from '../../src/render/plop-bridge.js';
import { buildStack } from '../../src/stack/build-stack.js';
import { makeAnswers, makeFacts } from '../helpers/facts.js';
import { testdir } from '../helpers/testdir.js';

// The Java Dockerfile's step that picks the application jar, run for real on
// the jars real builds leave: Spring Boot, maven-shade (original-*.jar
// beside the shaded one), Gradle shadow (-all), test and source jars.

async function pickStep(artifactGlob = 'target/*.jar'): Promise<{ script: string; dir: string }> {
  const stack = buildStack(makeAnswers({ language: 'java' }), makeFacts({ language: 'java', runtimeVersion: '21', java: { wrapperPath: null, springBoot: false, artifactGlob } }));
  const dockerfile = (await renderStack(stack, 'docker')).read('Dockerfile')!.content;
  const run = /^RUN (set -- \$\(find [\s\S]*?cp "\$1" \/app\/app\.jar)$/m.exec(dockerfile)![1]!;
  return { script: run.replace(/\\\n\s*/g, '').replace('/app/app.jar', '"$OUT"'), dir: stack.docker.file!.java!.artifactDir };
}

let step: { script: string; dir: string } | undefined;
function pick(jars: string[], run = step!): { status: number | null; picked: string | null; stderr: string } {
  const root = testdir();
  mkdirSync(join(root, run.dir), { recursive: true });
  for (const jar of jars) writeFileSync(join(root, run.dir, jar), jar);
  const out = join(root, 'app.jar');
  const r = spawnSync('sh', ['-c', run.script], { cwd: root, env: { ...process.env, OUT: out }, encoding: 'utf8' });
  return { status: r.status, picked: r.status === 0 ? readFileSync(out, 'utf8') : null, stderr: r.stderr };
}

describe('the Java Dockerfile picks the one application jar', async () => {
  step = await pickStep();
  it.each([
    [['app-1.0.jar', 'app-1.0-plain.jar'], 'app-1.0.jar'],
    [['hello-1.0.0.jar', 'original-hello-1.0.0.jar'], 'hello-1.0.0.jar'],
    [['app-1.0.jar', 'app-1.0-all.jar'], 'app-1.0-all.jar'],
    [['app-1.0.jar', 'app-1.0-jar-with-dependencies.jar', 'app-1.0-sources.jar'], 'app-1.0-jar-with-dependencies.jar'],
    [['app-1.0.jar', 'app-1.0-tests.jar', 'app-1.0-javadoc.jar'], 'app-1.0.jar'],
  ])('%j -> %s', (jars, expected) => {
    expect(pick(jars)).toMatchObject({ status: 0, picked: expected });
  });

  it('stops with the jars it found when two could be the application', () => {
    const r = pick(['a.jar', 'b.jar']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^expected one application jar in target, found: .*\b[ab]\.jar .*\b[ab]\.jar$/m);
  });
});

describe('the Java Dockerfile picks the one application war of a war build', async () => {
  const maven = await pickStep('target/*.war');
  const gradle = await pickStep('build/libs/*.war');
  it("takes Spring Boot's repackaged war, not the .war.original beside it or Gradle's plain war", () => {
    expect(pick(['legacy-0.0.1-SNAPSHOT.war', 'legacy-0.0.1-SNAPSHOT.war.original', 'classes.jar'], maven)).toMatchObject({ status: 0, picked: 'legacy-0.0.1-SNAPSHOT.war' });
    expect(pick(['legacy-0.0.1.war', 'legacy-0.0.1-plain.war'], gradle)).toMatchObject({ status: 0, picked: 'legacy-0.0.1.war' });
    expect(pick(['a.war', 'b.war'], maven).stderr).toMatch(/^expected one application war in target, found: /m);
  });
});
