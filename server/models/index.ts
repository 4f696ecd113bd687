import { AccountTokenModel } from './account-token'
import { AttachmentChunkModel, AttachmentModel, ChatFileCounterModel, ChatFileModel, UploadQuotaModel } from './attachment'
import { ChatKeyModel, ChatModel, MembershipModel, UserChatEntryModel, UserChatsModel } from './chat'
import { ClientIdKeyModel, MessageChangeModel, MessageModel } from './message'
import { PasskeyChallengeModel, PasskeyModel } from './passkey'
import { PushDevicesModel } from './push'
import { KnownBrowsersModel, RefreshTokenModel, SessionModel } from './session'
import { LoginChallengeModel, SpentKeyModel, TwoFactorModel } from './two-factor'
import { UserKeyModel, UserModel } from './user'

// Every model of the server, imported from here (never from its file): one naming
// convention (`<Name>Model` for a model, `<Name>Record` for a lean document, `<Name>Fields`
// for a schema's fields) and one list that the database plugin builds indexes for.
export * from './account-token'
export * from './attachment'
export * from './by-ids'
export * from './chat'
export * from './coalesce'
export * from './insert'
export * from './message'
export * from './passkey'
export * from './push'
export * from './session'
export * from './two-factor'
export * from './user'

export const ALL_MODELS = [
  UserModel, UserKeyModel, SessionModel, RefreshTokenModel, KnownBrowsersModel, AccountTokenModel,
  ChatModel, MembershipModel, UserChatsModel, UserChatEntryModel, ChatKeyModel,
  MessageModel, MessageChangeModel, ClientIdKeyModel, PushDevicesModel,
  AttachmentModel, AttachmentChunkModel, ChatFileModel, ChatFileCounterModel, UploadQuotaModel,
  TwoFactorModel, LoginChallengeModel, SpentKeyModel, PasskeyModel, PasskeyChallengeModel,
]
