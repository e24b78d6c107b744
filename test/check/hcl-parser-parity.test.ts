import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as hcl2json } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { CLOUDS, IAC_TOOLS, MONITORING, RUNTIMES_BY_CLOUD, STRATEGIES } from '../../src/answers/options.js';
import { checkHclFormat } from '../../src/check/hcl-format.js';
import { parseHcl } from '../../src/check/hcl-parse.js';
import { HclSyntaxError } from '../../src/check/hcl-tree-sitter.js';
import { renderStack } from '../../src/render/plop-bridge.js';
import { buildStack } from '../../src/stack/build-stack.js';
import { makeAnswers, makeFacts } from '../helpers/facts.js';
import { EXAMPLES_DIR } from '../helpers/testdir.js';

/**
 * Differential test: our tree-sitter HCL parser (parseHcl) against the real
 * one, hclsyntax compiled to WASM in @cdktf/hcl2json. Same JSON for every
 * .tf file we generate and for a corpus of tricky valid HCL; both reject a
 * corpus of invalid HCL, at the same line.
 */

/** Every .tf file of the golden examples and of one render per cloud x IaC tool x strategy, deduplicated by content. */
async function generatedTf(): Promise<Map<string, string>> {
  const byContent = new Map<string, string>();
  const add = (path: string, content: string) => {
    if (path.endsWith('.tf') && !byContent.has(content)) byContent.set(content, path);
  };
  for (const example of readdirSync(EXAMPLES_DIR)) {
    const expected = join(EXAMPLES_DIR, example, 'expected');
    if (!existsSync(expected)) continue;
    for (const p of readdirSync(expected, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tf'))) add(`examples/${example}/expected/${p}`, readFileSync(join(expected, p), 'utf8'));
  }
  let i = 0;
  const renders = CLOUDS.flatMap((cloud) =>
    IAC_TOOLS.filter((iac) => iac !== 'none').flatMap((iac) =>
      STRATEGIES.map((strategy) => {
        // Monitoring and the environment list rotate, so each choice meets each cloud.
        const monitoring = MONITORING[i % MONITORING.length]!;
        const environments = i++ % 4 === 0 ? ['prod'] : ['dev', 'staging', 'production'];
        const answers = makeAnswers({ cloud, runtime: RUNTIMES_BY_CLOUD[cloud][0]!, iac, strategy, monitoring, environments });
        return renderStack(buildStack(answers, makeFacts()), 'infra').then((tree) => ({ name: `${cloud} ${iac} ${strategy} ${monitoring}`, tree }));
      }),
    ),
  );
  for (const { name, tree } of await Promise.all(renders)) for (const [path, file] of tree.entries()) add(`${name}: ${path}`, file.content);
  return new Map([...byContent].map(([content, path]) => [path, content]));
}

/** Valid HCL that exercises the grammar's corners. */
const VALID: Record<string, string> = {
  'heredoc with interpolation': `a = <<EOF
hello \${name}
  world \${upper(var.x)} and $\${literal} %%{ also }
EOF
b = 1
`,
  'indented heredoc': `locals {
  a = <<-EOT
    first
      indented \${var.x}

    last
    EOT
  b = <<-EOT
      deeper
    shallow
  EOT
}
`,
  'indented heredoc with interpolation at line start': `a = <<-EOT
    \${var.x} starts
      second
    EOT
`,
  'heredoc directives': `a = <<EOT
%{ for k, v in var.m ~}
\${k} = \${v}
%{ endfor ~}
%{ if var.on }on%{ else }off%{ endif }
EOT
b = <<-EOT
  %{~ for x in var.l }
  - \${x}
  %{~ endfor }
  EOT
`,
  'strip markers in heredocs reach one line': `a = <<EOT
x
  \${~ y}
  z \${x ~}
  w
EOT
b = <<-EOT
    %{ for x in l ~}
      item \${x}
    %{ endfor ~}
    tail
  EOT
c = <<-EOT
    a
  %{~ if c }
      b
  %{ endif }
EOT
`,
  'heredoc as a function argument and in a tuple': `a = trimspace(<<EOF
  body
EOF
)
b = [
  <<EOF
one
EOF
  ,
  "two",
]
c = <<EOF
EOF
d = <<EOF
C:\\path\\n "quoted"
EOF
`,
  'template interpolations': `a = "\${var.x}-\${var.y}"
b = "\${var.x}"
c = "\${1 + 2}"
d = "\${true}"
e = "pre \${"nested \${var.z} inside"} post"
f = "\${42}"
g = "\${null}"
h = "\${"lit"}"
i = "x\${true}y\${null}z\${1.5}"
`,
  'strip markers': `a = "x \${~ var.y ~} z"
b = "x %{~ if var.c ~} yes %{~ endif ~} z"
`,
  'quoted directives': `a = "%{ if var.x }yes%{ else }no%{ endif }"
b = "%{ for k, v in var.m }\${k}=\${v},%{ endfor }"
c = "%{ if var.x }only%{ endif }"
d = "%{ for x in var.l }%{ if x != "" }[\${x}]%{ endif }%{ endfor }"
`,
  'conditional inside an interpolation': `a = "\${var.x ? "a" : "b"}"
b = "name-\${var.x == "" ? "none" : var.x}"
`,
  escapes: `a = "$\${literal}"
b = "%%{literal}"
c = "line\\nnext\\ttab \\"q\\" back\\\\slash \\r"
d = "\\u00e9\\U0001F600"
e = "caf\\u00e9 日本 ✓"
f = "$\${a} \${var.b} %%{c}"
g = "$"
h = "%"
i = "a$b%c{d}"
`,
  'for expressions': `a = [for x in var.l : upper(x)]
b = [for i, x in var.l : x if i > 0]
c = { for k, v in var.m : k => v }
d = { for k, v in var.m : v => k... }
e = { for s in var.l : s => s if s != "" }
f = [for x in [for y in var.l : y * 2] : x + 1]
g = { for k, v in var.m : k => { name = v, n = 1 } }
`,
  splats: `a = var.l.*.id
b = var.l[*].id
c = aws_instance.x[*].tags["Name"]
d = var.l[*]
e = tolist(var.s)[*].id
f = var.l.*.a.b
`,
  conditionals: `a = var.x ? 1 : 2
b = var.x == "a" ? "b" : var.y != null ? var.y : "c"
c = var.x ? [1] : []
d = var.x ? { a = 1 } : {}
`,
  'nested collections with trailing commas and newlines': `a = {
  b = [1, 2, 3,]
  c = {
    d = "e",
    f = [
      {
        g = 1
      },
    ]
  }
  "quoted key" = 1
  h : 2
  i = [
  ]
  j = {}
}
t = [
  [1, [2, [3]]],
  { a = [{ b = {} }] },
]
u = [{ b = 1 }, { c = 2 }]
v = { b = 1, c = 2 }
w = { b = 1, c = 2, }
`,
  'object keys': `a = {
  (var.k) = 1
  "\${var.k}-x" = 2
  local.x = 3
  plain = 4
  "with space" = 5
  5 = "number"
  null_thing = 6
}
`,
  'function calls': `a = concat(var.a, var.b)
b = max(var.l...)
c = format("%s-%d", "x", 1)
d = timestamp()
e = merge(
  var.a,
  { b = 1 },
)
f = jsonencode({
  a = [1, 2]
  b = "c"
})
g = lookup(var.m, "k", null)
`,
  'index and attribute chains': `a = var.m["key"].b[0].c
b = local.x.y.z
c = module.m.out[count.index]
d = var.l.0
e = var.l.0.name
f = var.m["a.b"]
g = data.aws_iam_policy_document.x.json
h = var.l[length(var.l) - 1]
`,
  numbers: `a = 1
b = 1.5
c = 1e3
d = 1.5E-2
e = 0
f = 12345678901
g = 0.1
h = -3
i = -2.5
j = 1e+10
k = [-1, -2.5, 007]
l = { n = -1 }
`,
  'bool and null': `a = true
b = false
c = null
d = !true
e = [true, null, false]
f = !false
`,
  comments: `# hash comment
// slash comment
/* block
   comment */
resource "a" "b" { # after the brace
  # inside
  x = 1 # after a value
  y = 2 // after another
  z = /* before */ 3 /* after */
  l = [
    1, # first
    // second
    2,
    /* third */ 3,
  ]
  o = {
    # key comment
    k = "v" // value comment
  }
  /* before a block */
  nested {
    // only a comment
  }
} # after the block
/* trailing */
`,
  'block labels': `locals {
  a = 1
}
provider aws {
  region = "x"
}
resource aws_instance web {
  ami = "y"
}
resource "a" b {
}
module "m-with-dashes" {
  source = "./m"
}
resource "a" "b" {
  x = 1
}
resource "a" "b" {
  x = 2
}
resource "a" "c" {
}
provider "aws" {
  alias = "west"
}
`,
  'single-line and empty blocks': `variable "x" { type = string }
terraform {}
x {
}
y "a" {

}
resource "r" "n" {
  lifecycle { ignore_changes = [tags] }
  timeouts {}
}
z { a = [
  1,
] }
`,
  'dynamic blocks': `resource "aws_security_group" "x" {
  name = "sg"
  dynamic "ingress" {
    for_each = var.rules
    iterator = rule
    content {
      from_port = rule.value.port
      cidr_blocks = rule.value.cidrs
    }
  }
  dynamic "egress" {
    for_each = var.on ? [1] : []
    content {}
  }
}
`,
  'operators and precedence': `a = 1 + 2 * 3
b = (1 + 2) * 3
c = var.a && var.b || !var.c
d = 10 % 3 - 4 / 2
e = var.x >= 1 && var.x <= 10
f = var.a == var.b
g = var.a != var.b
h = var.a < var.b || var.a > var.b
`,
  'unary operators': `a = -var.x
b = !var.y
c = -(1 + 2)
d = - 1
e = !!true
f = -(-1)
`,
  parentheses: `a = ((1))
b = (((var.x) + (2)) * 3)
c = ("s")
d = (true)
e = ([1])
`,
  'parentheses over lines after an operator': `a = var.x || (
  var.y &&
  var.z
)
b = (var.w) + (
  1
) * f(
  2,
)
`,
  'multi-line expressions': `a = (
  var.x
  + var.y
)
b = [
  for x in var.l :
  x
  if x != null
]
c = var.x ? (
  1
) : 2
d = {
  for k, v in var.m :
  k => v
}
e = join(",",
  [
    "a",
    "b",
  ]
)
`,
  terraform: `terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
  backend "s3" {}
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:\${var.owner}/\${var.repo}:*"]
    }
  }
}

resource "aws_iam_role" "deploy" {
  count              = var.enabled ? 1 : 0
  name               = "\${local.prefix}-deploy"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  depends_on         = [aws_iam_openid_connect_provider.github]

  lifecycle {
    create_before_destroy = true
    precondition {
      condition     = length(var.repo) > 0
      error_message = "repo must be set."
    }
  }
}

output "role_arn" {
  value     = one(aws_iam_role.deploy[*].arn)
  sensitive = false
}
`,
  'empty and comment-only files': `
# nothing here
/* at all */
`,
  'no trailing newline': 'a = 1\nb { c = 2 }',
  'crlf line endings': 'a = 1\r\nb {\r\n  c = "x"\r\n}\r\nd = <<EOF\r\nline\r\nEOF\r\n',
  'tabs and blank lines': '\n\n\ta\t=\t1\n\n\tb {\n\t\tc = [\n\t\t\t1,\n\t\t]\n\t}\n',
  identifiers: `foo-bar = 1
_x = 2
x_1-2 = 3
resource "a" "b-c" {
  for_each = var.m
  count = 1
  in = 2
  if = 3
  null_ok = 4
}
`,
  'attribute and block of one name': `a {
  x = 1
}
a {
  x = 2
}
b "l1" "l2" {
}
b "l1" "l3" {
}
b "l4" "l2" {
}
`,
  'line breaks inside brackets': `a = f(1,
  2)
b = [for x in y :
  x]
c = { for k, v in m :
  k => v }
d = "\${1 +
  2}"
e = "%{ if x
}y%{ endif }"
f = var.x[
  0
]
g = f(
)
h = 1 + /* a block comment
  over lines */ 2
i = {
  a = 1,

  b = 2
}
`,
  'escaped introducers in labels and keys': `resource "a$\${b}" "c%%{d}" {
}
k = { "x$\${y}" = 1 }
u = "\\\\u0024{x} \\u0024{y} \\u0025{z}"
`,
  'provider functions and unicode names': `é = 1
a = provider::aws::arn_parse(var.arn)
`,
  'object keys that are traversals': `a = {
  -1 = 6
  a.0 = 1
  b["c"] = 2
  d.e.f = 3
  g[0] = 4
  h[x] = 5
  f(x) = 7
  !true = 8
}
`,
  'expressions in template directives': `a = "%{ if f(x) }y%{ endif }"
b = "%{ for x in (l) }\${x}%{ endfor }"
c = "%{ for x in f(l) }\${x}%{ endfor }"
d = "\${x ? f(y) : (z)}"
e = "%{ if x }%{ else }%{ endif }"
f = "%{ for x in l }%{ endfor }"
`,
  'strip markers in quoted strings': `a = "  \${~ x} "
b = "\${x ~}   "
c = "\${~ x ~}"
d = "a %{~ for x in l ~} b %{~ endfor ~} c"
e = " \${1 ~} "
`,
  'heredoc indentation': `a = <<-EOT
    \${x}
  y
    EOT
b = <<-EOT
  x
 
  y
  EOT
c = <<-EOT
		tab
	  mixed
	EOT
d = <<EOT
  %{~ if x ~}
  y
  %{~ endif ~}
EOT
e = <<EOT
  indented close
  EOT
`,
  'comments in collections and calls': `a = [
  # only a comment
]
b = {
  // only a comment
}
c = f(
  # c
  1, # c
  2 /* c */
)
d = x /* c */ ? /* c */ 1 : 2
`,
  'module code: calls over objects, type constraints, heredoc argument': `locals {
  tags = merge(var.tags, {
    Name = "\${var.name}-\${terraform.workspace}"
  })
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Resource = ["\${aws_s3_bucket.b.arn}/*"]
    }]
  })
}
variable "x" {
  type = object({
    a = string
    b = optional(number, 1)
    c = list(object({ d = bool }))
  })
  validation {
    condition     = var.x == null || can(regex("^[a-z]+$", var.x.a))
    error_message = "Must be lowercase: \${jsonencode(var.x)}."
  }
}
resource "x" "y" {
  user_data = base64encode(<<-EOT
    #!/bin/bash
    echo "\${var.msg}" > /tmp/x
    %{ for p in var.ports ~}
    open \${p}
    %{ endfor ~}
  EOT
  )
}
`,
  'keywords as values': `a = [null, true, false]
b = { true = 1, null = 2 }
c = var.true
`,
};

/** Invalid HCL: both parsers must reject it. */
const INVALID: Record<string, string> = {
  'missing value': 'a = 1\nb = \n',
  'two arguments on one line': 'a = 1 b = 2\n',
  'unclosed block': 'x {\n  a = 1\n',
  'block brace on the next line': 'resource "a" "b"\n{\n}\n',
  'duplicate argument': 'a = 1\nb = 2\na = 3\n',
  'unterminated string': 'a = "abc\nb = 1\n',
  'unterminated heredoc': 'a = <<EOF\nbody\n',
  'single-line block with two arguments': 'x { a = 1, b = 2 }\n',
  'single-line block with a block': 'x { y {} }\n',
  'content after the opening brace': 'x { a = 1\n}\n',
  'closing brace after content': 'x {\n  a = 1 }\n',
  'stray closing brace': 'a = 1\n}\n',
  'missing equals': 'a 1\n',
  'dangling operator': 'a = 1 +\n',
  'unbalanced parentheses': 'a = (1 + 2\n',
  'interpolation in a label': 'resource "a${x}" "b" {\n}\n',
  'object without separators': 'a = { b = 1 c = 2 }\n',
  'for without a collection': 'a = [for x in : x]\n',
  'tuple without commas': 'a = [1 2]\n',
  'trailing dot': 'a = var.\n',
  'unclosed interpolation': 'a = "${x"\n',
  'if without endif': 'a = "%{ if x }y"\n',
  'hexadecimal number': 'a = 0x10\n',
  'value without a name': '= 1\n',
  'unclosed object': 'a = {\n  b = 1\n',
  'invalid escape': 'a = "\\q"\n',
  'double comma': 'a = [1,,2]\n',
  'two strings': 'a = "x" "y"\n',
  'lone bang': 'a = !\n',
  'dotted argument name': 'a.b = 1\n',
  'number as a label': 'resource 1 {\n}\n',
  'else without if': 'a = "%{ else }"\n',
  'endfor closing an if': 'a = "%{ if x }y%{ endfor }"\n',
  'newline after an operator': 'a = 1 +\n  2\n',
  'operator on the next line': 'a = 1\n  + 2\n',
  'conditional over lines': 'a = var.x ?\n  1 : 2\n',
  'attribute access on the next line': 'a = var.x\n  .y\n',
  'index on the next line': 'a = var.l\n  [0]\n',
  'negation over lines': 'a = -\n  1\n',
  'newline in a nested argument': 'b {\n  a = 1 +\n  2\n}\n',
  'newline inside an object value': 'a = {\n  b = 1 +\n  2\n}\n',
  'newline inside an object key': 'a = {\n  b\n  = 1\n}\n',
  'comma on its own line in an object': 'a = {\n  b = 1\n  , c = 2\n}\n',
  'line comment inside an expression': 'a = 1 + # c\n  2\n',
  'name on its own line': 'a\n= 1\n',
  'unclosed tuple': 'a = [\n  1,\n',
  'unclosed call': 'a = f(\n  1,\n',
  'unclosed tuple in a block': 'x {\n  a = [1,\n}\n',
  'unclosed object in a block': 'x {\n  a = {\n}\ny = 1\n',
  'string over lines': 'a = "abc\nb = 1\n',
  'empty interpolation': 'a = "${}"\n',
  'unknown directive': 'a = "%{ foo }"\n',
  'stray quote': 'a = "a"b"\n',
  'name starting with a digit': '1a = 2\n',
  'block without a body': 'resource "a" "b"\n',
  'text after the heredoc marker': 'a = <<EOF x\nEOF\n',
  'chained legacy index': 'a = var.x.0.1\n',
  'tuple items without commas over lines': 'a = [\n  1\n  2\n]\n',
  'invalid hex escape': 'a = "\\x"\n',
  'escape of a code point past Unicode': 'a = "\\U00110000"\n',
  'escape of a lone surrogate': 'a = "\\uD800"\n',
  'short unicode escape': 'a = "\\u00"\n',
  'namespaced attribute name': 'a::b = 1\n',
  'namespaced name without a call': 'a = x::y\n',
  'quoted string over lines': 'a = "abc\ndef"\n',
  'directive body over lines in a quoted string': 'a = "%{ if x }a\nb%{ endif }"\n',
  'label over lines': 'resource "a\nb" "c" {\n}\n',
  'comment after a heredoc marker': 'a = <<EOF # c\nx\nEOF\n',
  'grouping in a tuple for': 'a = [for x in l : x...]\n',
  'object for without a key': 'a = {for x in l : x}\n',
  'tuple for with a key': 'a = [for x in l : x => x]\n',
  'conditional without false branch': 'a = x ? 1\n',
  'for directive without endfor': 'a = "%{ for x in l }"\n',
  'two else directives': 'a = "%{ if x }%{ else }%{ else }%{ endif }"\n',
  'second equals': 'a = b = c\n',
  semicolon: 'a = 1;\n',
  'double equals as assignment': 'a == 1\n',
  'quoted argument name': '"a" = 1\n',
  'extra closing brace after a block': 'a {\n  b = 1\n}}\n',
  'extra closing bracket': 'a = [1, 2]]\n',
  'unterminated block comment': 'a = 1 /* unterminated\n',
  'single quotes': "a = 'single'\n",
  'exponent without digits': 'a = 1e\n',
  'binary number': 'a = 0b101\n',
  'digit separator': 'a = 1_000\n',
  'number ending in a dot': 'a = 1.\n',
  'number starting with a dot': 'a = .5\n',
  'object item without a value': 'a = { b = 1, c }\n',
  'empty call argument': 'a = f(1,,2)\n',
  'expansion before the last argument': 'a = f(x..., y)\n',
  'leading comma in an object': 'a = {, b = 1}\n',
  'lone comma in a tuple': 'a = [,]\n',
  'call arguments on the next line': 'a = f\n  (1)\n',
  'operator after a closing parenthesis on the next line': 'a = (1)\n  + 2\n',
  'newline between grouped operands after an operator': 'a = x || (y) &&\n  z\n',
  // hcl2json's conversion fails here (no line), not hclsyntax.
  'block with and without labels': 'a {\n}\na "x" {\n}\n',
};

/**
 * Valid HCL that parseHcl rejects: tree-sitter-hcl ignores newlines, so in an
 * object without commas an item whose key starts with "-" or "(" reads as the
 * previous value going on (`4 - 1`, `c (d)`), and the rest is an ERROR.
 * Matching it would mean re-parsing with guessed separators; such keys are
 * rare, and the failure is loud (a parse error), never a wrong reading.
 */
const KNOWN_GAPS: Record<string, string> = {
  'negative number key on the line after a number': 'a = {\n  b = 1\n  -1 = 5\n}\n',
  'parenthesized key on the line after a bare name': 'a = {\n  b = c\n  (d) = 1\n}\n',
};

/** hcl2json's verdict: its JSON, or the 1-based line of its first diagnostic. */
async function reference(path: string, source: string): Promise<{ json: unknown } | { line: number | null; message: string }> {
  try {
    return { json: await hcl2json(path, source) };
  } catch (e) {
    const message = String(e);
    const line = /:(\d+),\d+-/.exec(message)?.[1];
    return { line: line === undefined ? null : Number(line), message };
  }
}

describe('tree-sitter HCL parser agrees with hclsyntax (@cdktf/hcl2json)', () => {
  it('on every .tf file we generate', async () => {
    const files = await generatedTf();
    expect(files.size).toBeGreaterThan(80);
    for (const [path, source] of files) {
      const real = await reference(path, source);
      expect.soft('json' in real ? null : real, path).toBeNull();
      if ('json' in real) expect.soft(await parseHcl(path, source).catch(String), path).toEqual(real.json);
    }
  });

  it('on tricky valid HCL', async () => {
    expect(Object.keys(VALID).length).toBeGreaterThanOrEqual(30);
    for (const [name, source] of Object.entries(VALID)) {
      const real = await reference('snippet.tf', source);
      expect.soft('json' in real ? null : real, name).toBeNull();
      if ('json' in real) expect.soft(await parseHcl('snippet.tf', source).catch(String), name).toEqual(real.json);
    }
  });

  it('rejecting invalid HCL, at the same line', async () => {
    for (const [name, source] of Object.entries(INVALID)) {
      const real = await reference('snippet.tf', source);
      const ours = await parseHcl('snippet.tf', source).then(
        (json) => ({ json }),
        (e: unknown) => e,
      );
      expect.soft('json' in real ? real.json : null, `${name}: hcl2json accepts it`).toBeNull();
      expect.soft(ours, `${name}: parseHcl accepts it`).toBeInstanceOf(HclSyntaxError);
      if (ours instanceof HclSyntaxError && 'line' in real && real.line !== null) expect.soft(`line ${ours.line}`, `${name}: ${real.message} / ${ours.message}`).toBe(`line ${real.line}`);
    }
  });

  it('except for the known gaps, where parseHcl rejects valid HCL', async () => {
    for (const [name, source] of Object.entries(KNOWN_GAPS)) {
      expect.soft('json' in (await reference('snippet.tf', source)), `${name}: hcl2json accepts it`).toBe(true);
      // If this fails, the gap is closed: move the snippet to VALID.
      await expect.soft(parseHcl('snippet.tf', source), name).rejects.toBeInstanceOf(HclSyntaxError);
    }
  });
});

/** `terraform fmt` itself, where it is installed (no Debian package: CI machines may not have it). */
const hasTerraform = spawnSync('terraform', ['version'], { stdio: 'ignore' }).status === 0;
/** No CLI configuration or version check: nothing but the files under test. */
const TF_ENV = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' };

describe.skipIf(!hasTerraform)('our fmt check agrees with `terraform fmt`', () => {
  it('on every .tf file we generate: terraform fmt changes none, and our check flags none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cds-tf-fmt-'));
    try {
      const files = [...(await generatedTf())];
      files.forEach(([, source], i) => {
        mkdirSync(join(dir, String(i)));
        writeFileSync(join(dir, String(i), 'main.tf'), source);
      });
      const r = spawnSync('terraform', ['fmt', '-check', '-recursive', '-list=true', dir], { encoding: 'utf8', env: TF_ENV });
      // It lists the files it would change (as paths relative to the working directory).
      const changed = r.stdout.split('\n').filter(Boolean).map((f) => files[Number(/(\d+)\/main\.tf$/.exec(f)?.[1])]?.[0] ?? f);
      expect(changed).toEqual([]);
      expect(r.status).toBe(0);
      for (const [path, source] of files) expect.soft(checkHclFormat(path, source), path).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on what it rewrites: our check flags every file terraform fmt would change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cds-tf-fmt-'));
    const samples = {
      'list without spaces': 'x = ["a","b"]\n',
      'map with tight colons': 'x = {"a":"b"}\n',
      'unaligned equals': 'x {\n  a = 1\n  bbb = 2\n}\n',
      'wrong indent': 'x {\n   a = 1\n}\n',
    };
    try {
      for (const [name, source] of Object.entries(samples)) {
        writeFileSync(join(dir, 'main.tf'), source);
        const r = spawnSync('terraform', ['fmt', '-check', join(dir, 'main.tf')], { env: TF_ENV });
        expect.soft(r.status, `${name}: terraform fmt accepts it`).not.toBe(0);
        expect.soft(checkHclFormat('main.tf', source).length, `${name}: our check accepts it`).toBeGreaterThan(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
