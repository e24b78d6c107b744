// The flags each golden example is generated with: together they cover every
// cloud, both IaC tools, every strategy and every monitoring choice.
export const EXAMPLE_ANSWERS = {
  'node-express': ['--cloud', 'aws', '--iac', 'terraform', '--strategy', 'canary', '--monitoring', 'prometheus'],
  'python-fastapi': ['--cloud', 'gcp', '--iac', 'opentofu', '--strategy', 'blue-green', '--monitoring', 'managed-prometheus'],
  'go-http': ['--cloud', 'azure', '--iac', 'terraform', '--strategy', 'rolling', '--monitoring', 'prometheus', '--environments', 'dev,staging,prod'],
  'java-spring': ['--cloud', 'aws', '--iac', 'none', '--strategy', 'blue-green', '--monitoring', 'none'],
};
