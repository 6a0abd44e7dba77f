// Creating a workspace and installing packages takes minutes, not Jest's default 5 s.
jest.setTimeout(600_000);
