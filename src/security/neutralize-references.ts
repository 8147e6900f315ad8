/**
 * Text a model wrote goes into commit messages and pull request bodies, where GitHub acts on it:
 * "Fixes #12" closes issue 12 when merged, "@org/team" notifies a team. A model steered by an issue
 * could use either. Wrapping them in code spans leaves them readable and inert.
 */
const closingReference = /\b(close[sd]?|fix(?:e[sd])?|resolve[sd]?)(:?\s+)((?:[\w.-]+\/[\w.-]+)?#\d+|https?:\/\/\S+\/(?:issues|pull)\/\d+)/gi;
const mention = /(^|[^\w`])@([a-z\d](?:[a-z\d-]{0,38})(?:\/[a-z\d][\w-]*)?)/gi;

export function neutralizeGitHubReferences(text: string): string {
  return text.replace(closingReference, (_all, keyword: string, gap: string, target: string) => `\`${keyword}${gap}${target}\``).replace(mention, (_all, before: string, name: string) => `${before}\`@${name}\``);
}
