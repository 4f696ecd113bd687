export interface DockerInstruction { keyword: string, args: string }
export interface DockerStage { image: string, name: string, steps: DockerInstruction[] }
export function parseDockerfile(text: string): DockerInstruction[]
export function stagesOf(instructions: DockerInstruction[]): DockerStage[]
export function dockerignoreFilter(text: string): (path: string) => boolean
