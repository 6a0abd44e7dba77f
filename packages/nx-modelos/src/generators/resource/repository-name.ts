/** An OCI repository path component (distribution spec): a resource's repository is `<namespace>/<project name>`. */
const REPOSITORY_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;

export const isRepositoryComponent = (text: string): boolean => REPOSITORY_COMPONENT.test(text);

/** Whether a project name can be a resource's name: every `/`-separated part a repository component. */
export const namesRepository = (name: string): boolean => name.split('/').every(isRepositoryComponent);
