export async function compareCommand(): Promise<number> { return 2; }
