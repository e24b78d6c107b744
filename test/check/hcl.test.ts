import { describe, expect, it } from 'vitest';
import { checkHcl, checkHclFormat } from '../../src/check/hcl.js';
import { expressionCode } from '../../src/check/hcl-refs.js';

const rules = (findings: Array<{ rule: string }>) => findings.map((f) => f.rule);

const GOOD_MODULE = `variable "name" {
  type        = string
  description = "Bucket name."
}

variable "tags" {
  type        = map(string)
  description = "Tags."
  default     = {}
}

resource "aws_s3_bucket" "this" {
  bucket = var.name
  tags   = var.tags
}

output "arn" {
  description = "Bucket ARN."
  value       = aws_s3_bucket.this.arn
}
`;

const GOOD_ROOT = `locals {
  name = "orders"
}

module "bucket" {
  source = "../modules/bucket"

  name = local.name
}

output "arn" {
  description = "Bucket ARN."
  value       = "\${module.bucket.arn}/*"
}
`;

const AWS_VERSIONS = `terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}
`;

/** A directory's files plus the versions.tf every generated directory has (tflint's terraform_required_providers). */
const withVersions = (dir: string, files: Record<string, string>) => new Map([...Object.entries(files).map(([f, src]) => [`${dir}/${f}`, src] as [string, string]), [`${dir}/versions.tf`, AWS_VERSIONS]]);

const tree = (root: string, mod = GOOD_MODULE) => new Map([...withVersions('infra/envs', { 'main.tf': root }), ...withVersions('infra/modules/bucket', { 'main.tf': mod })]);

describe('checkHcl', () => {
  it('accepts a valid root and module', async () => {
    expect(await checkHcl(tree(GOOD_ROOT))).toEqual([]);
  });

  it('reports a file the HCL parser rejects', async () => {
    expect(rules(await checkHcl(new Map([['a/main.tf', 'resource "aws_s3_bucket" "x" {\n  bucket = \n}\n']])))).toEqual(['hcl/parse']);
  });

  it('reports only the parse error when a module file does not parse, not what that file declared as missing', async () => {
    const files = tree(GOOD_ROOT);
    // The module's variables live in a file that no longer parses: its resources' var.name, and the
    // root's module inputs and outputs, must not be reported as undeclared on top of the parse error.
    files.set('infra/modules/bucket/main.tf', GOOD_MODULE.slice(GOOD_MODULE.indexOf('resource ')));
    files.set('infra/modules/bucket/variables.tf', `${GOOD_MODULE.slice(0, GOOD_MODULE.indexOf('resource '))}variable "broken" {\n`);
    expect(rules(await checkHcl(files))).toEqual(['hcl/parse']);
    files.delete('infra/modules/bucket/main.tf');
    expect(rules(await checkHcl(files))).toEqual(['hcl/parse']);
  });

  it('reports references that do not resolve', async () => {
    const root = GOOD_ROOT.replace('name = local.name', 'name = local.nope').replace('module.bucket.arn', 'module.bucket.id');
    const found = await checkHcl(tree(root));
    // local.name is left unused by the change, too.
    expect(rules(found).sort()).toEqual(['hcl/undefined-local', 'hcl/undefined-output', 'hcl/unused-declaration']);
  });

  it('reports undeclared variables, resources, data sources and modules', async () => {
    const mod = GOOD_MODULE.replace('bucket = var.name', 'bucket = "${var.name}${var.missing}-${data.aws_region.x.region}"').replace(
      'value       = aws_s3_bucket.this.arn',
      'value       = [aws_s3_bucket.that.arn, module.other.x]',
    );
    const found = await checkHcl(tree(GOOD_ROOT, mod));
    expect(rules(found).sort()).toEqual(['hcl/undefined-data', 'hcl/undefined-module', 'hcl/undefined-resource', 'hcl/undefined-variable']);
  });

  it('reports variables, locals and data sources declared but never used (tflint terraform_unused_declarations)', async () => {
    const mod = `${GOOD_MODULE}
variable "spare" {
  type        = string
  description = "Never read."
  default     = ""
}

locals {
  unused = "x"
  prefix = var.name
}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "logs" {
  bucket = "\${local.prefix}-logs-\${data.aws_caller_identity.current.account_id}"
}
`;
    const found = await checkHcl(tree(GOOD_ROOT, mod));
    expect(found.map((f) => f.message).sort()).toEqual([
      'data.aws_region.current is declared in infra/modules/bucket but never used',
      'local.unused is declared in infra/modules/bucket but never used',
      'var.spare is declared in infra/modules/bucket but never used',
    ]);
  });

  it('counts a variable used only in the terraform block (OpenTofu state encryption) as used', async () => {
    const root = `${GOOD_ROOT}
variable "state_key" {
  type        = string
  description = "KMS key for state encryption."
}

terraform {
  encryption {
    key_provider "aws_kms" "state" {
      kms_key_id = var.state_key
      key_spec   = "AES_256"
    }
  }
}
`;
    expect(rules(await checkHcl(tree(root)))).toEqual([]);
  });

  it('reports untyped variables and providers without a version in required_providers (tflint recommended preset)', async () => {
    const files = tree(GOOD_ROOT, GOOD_MODULE.replace('  type        = string\n', ''));
    files.set('infra/modules/bucket/random.tf', 'resource "random_id" "suffix" {\n  byte_length = 3\n}\n\nresource "terraform_data" "x" {}\n');
    files.set('infra/modules/bucket/versions.tf', AWS_VERSIONS.replace('      version = ">= 6.0"\n', ''));
    expect((await checkHcl(files)).filter((f) => f.rule === 'hcl/untyped-variable' || f.rule === 'hcl/required-providers').map((f) => f.message)).toEqual([
      'variable "name" in infra/modules/bucket has no type',
      'provider "aws" is used in infra/modules/bucket without a source and version in required_providers',
      'provider "random" is used in infra/modules/bucket without a source and version in required_providers',
    ]);
  });

  it('reports module inputs the module does not declare and required ones not set', async () => {
    const root = GOOD_ROOT.replace('  name = local.name', '  nam = local.name');
    const found = await checkHcl(tree(root));
    expect(found.map((f) => f.message)).toEqual([
      'module "bucket": infra/modules/bucket has no variable "nam"',
      'module "bucket": required variable "name" of infra/modules/bucket is not set',
    ]);
  });

  it('reports module sources that are not generated modules', async () => {
    const found = await checkHcl(tree(GOOD_ROOT.replace('../modules/bucket', '../modules/nope')));
    expect(rules(found)).toEqual(['hcl/module-source']);
  });

  it('reports arguments and blocks outside the provider schema, and missing required ones', async () => {
    const src = `resource "aws_s3_bucket" "x" {
  buckett = "a"
}

resource "aws_ecr_repository" "x" {
  image_scanning_configuration {
    scan_on_pusj = true
  }
}

resource "aws_lb_listener" "x" {
  port = 80
}

resource "aws_made_up" "x" {}
`;
    const found = await checkHcl(withVersions('m', { 'main.tf': src }));
    expect(found.map((f) => f.message).sort()).toEqual([
      'aws_ecr_repository.x.image_scanning_configuration: required argument "scan_on_push" is missing',
      'aws_ecr_repository.x.image_scanning_configuration: unknown argument or block "scan_on_pusj"',
      'aws_ecr_repository.x: required argument "name" is missing',
      'aws_lb_listener.x: required argument "load_balancer_arn" is missing',
      'aws_lb_listener.x: required block "default_action" is missing',
      'aws_made_up: no schema for this resource (add it with scripts/extract-provider-schemas.mjs)',
      'aws_s3_bucket.x: unknown argument or block "buckett"',
    ]);
  });

  it('checks the content of dynamic blocks against the block schema', async () => {
    const src = `variable "names" {
  type        = list(string)
  description = "Names."
}

resource "aws_security_group" "x" {
  dynamic "ingres" {
    for_each = var.names

    content {
      description = ingres.value
    }
  }
}
`;
    expect((await checkHcl(withVersions('m', { 'main.tf': src }))).map((f) => f.message)).toEqual([
      'aws_security_group.x: dynamic "ingres" is not a block of this schema',
    ]);
  });
});

describe('checkHclFormat', () => {
  const fmt = (src: string) => checkHclFormat('x.tf', src).map((f) => `${f.line}: ${f.message.replace(/ \(run .*$/, '')}`);

  it('accepts canonical layout', () => {
    expect(fmt(GOOD_MODULE)).toEqual([]);
    expect(fmt('locals {\n  a = {\n    b = 1\n  }\n  long_name = [{\n    c = 2\n  }]\n}\n')).toEqual([]);
  });

  it('reports "=" not aligned within a group of single-line attributes', () => {
    expect(fmt('x {\n  a = 1\n  bbb = 2\n}\n')).toEqual(['2: "=" must be at column 7 to align with its neighbours']);
  });

  it('does not align across blank lines or multi-line values', () => {
    expect(fmt('x {\n  a = 1\n\n  bbb = 2\n  c = {\n    d = 1\n  }\n}\n')).toEqual([]);
  });

  it('reports wrong indentation, tabs, trailing whitespace, extra spaces and the final newline', () => {
    expect(fmt('x {\n   a = 1\n}')).toEqual(['3: file must end with exactly one newline', '2: indent is 3 spaces, expected 2']);
    expect(fmt('x {\n  a = 1 \n}\n')).toEqual(['2: trailing whitespace']);
    expect(fmt('x {\n\ta = 1\n}\n')).toEqual(['2: tab character', '2: indent is 1 spaces, expected 2']);
    expect(fmt('x {\n  a = f(1,  2)\n}\n')).toEqual(['2: extra spaces at column 11']);
    expect(fmt('x {\n  a =  1\n}\n')).toEqual(['2: extra spaces at column 6', '2: one space after "="']);
    expect(fmt('x {\n  a = 1\n}\n\n')).toEqual(['4: file must end with exactly one newline']);
  });

  it('reports a comma with no space after it and a colon without spaces (fmt writes [a, b] and { a : b })', () => {
    expect(fmt('x {\n  a = ["staging","production"]\n  b = {"k":"v"}\n  c = f(1, 2)\n  d = var.e ? 1 : 2\n  f = ["a:b,c"]\n}\n')).toEqual([
      '2: "," at column 17 needs a space after it',
      '3: ":" at column 11 needs a space either side',
    ]);
  });

  it('ignores "=" and brackets inside strings and comments', () => {
    expect(fmt('x {\n  # a = {\n  a = "b = {"\n  c = "${var.d == "}" ? 1 : 2}"\n}\n')).toEqual([]);
  });
});

describe('expressionCode', () => {
  it('keeps the code of interpolations and drops literal text', () => {
    expect(expressionCode('arn:${data.aws_partition.current.partition}:iam::x').trim()).toBe('data.aws_partition.current.partition');
    expect(expressionCode('${jsonencode({ a = "var.not_a_ref", b = local.x })}')).toContain('local.x');
    expect(expressionCode('${jsonencode({ a = "var.not_a_ref" })}')).not.toContain('var.not_a_ref');
    expect(expressionCode('$${var.escaped}')).not.toContain('var.escaped');
  });
});
