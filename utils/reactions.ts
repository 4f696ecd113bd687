/** The reactions offered by the picker and the message actions menu. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🎉', '🙏', '👀'] as const
