/**
 * Domain records: what the rules work on. Storage maps these to rows; the Graph layer maps them to
 * wire objects (src/contract). Times are unix seconds; ids are numeric strings.
 */
import type { DisclaimerResponse, FieldDatum } from "../contract/index.ts";

export type AppMode = "live" | "development";
export type TokenType = "USER" | "PAGE" | "APP" | "SYSTEM_USER";
export type Platform = "fb" | "ig" | "msg" | "wa" | "an";
export type LeadSource = "world" | "test" | "admin" | "hosted" | "import";

export interface AppRecord {
  id: string;
  name: string;
  /** Plain secret, decrypted by storage; never logged. */
  secret: string;
  mode: AppMode;
  createdTime: number;
  requireAppsecretProof: boolean;
}

export interface AppRole {
  appId: string;
  userId: string;
  role: "administrator" | "developer" | "tester";
}

export interface UserRecord {
  id: string;
  name: string;
}

export interface LeadAccess {
  userIds: string[];
  appIds: string[];
}

export interface PageRecord {
  id: string;
  name: string;
  category: string;
  /** null = the Leads Access Manager was never customised. */
  leadAccess: LeadAccess | null;
  createdTime: number;
}

export interface PageRole {
  pageId: string;
  userId: string;
  tasks: string[];
}

export interface PageLocation {
  pageId: string;
  storeNumber: string;
  name: string;
  street: string;
  city: string;
  zip: string;
  country: string;
  latitude: number | null;
  longitude: number | null;
}

export interface AdAccountRecord {
  id: string;
  name: string;
}

export type AdAccountRoleName = "ADMIN" | "ADVERTISER" | "ANALYST";

export interface AdAccountRole {
  accountId: string;
  userId: string;
  role: AdAccountRoleName;
}

export interface CampaignRecord {
  id: string;
  accountId: string;
  name: string;
}

export interface AdSetRecord {
  id: string;
  campaignId: string;
  name: string;
}

export interface AdRecord {
  id: string;
  adsetId: string;
  name: string;
  formId: string | null;
  status: string;
  createdTime: number;
}

/** An ad with its ad set, campaign and account resolved: what lead attribution needs. */
export interface AdAttribution {
  adId: string;
  adName: string;
  adsetId: string;
  adsetName: string;
  campaignId: string;
  campaignName: string;
  accountId: string;
}

export interface QuestionOption {
  key: string;
  value: string;
}

export interface ConditionalChoice {
  value: string;
  customized_token?: string;
  next_question_choices?: ConditionalChoice[];
}

export interface Question {
  id: string;
  key: string;
  label: string;
  type: string;
  options?: QuestionOption[];
  inline_context?: string;
  conditional_questions_group_id?: string;
  conditional_questions_choices?: ConditionalChoice[];
  dependent_conditional_questions?: { field_key: string; input_type?: string; name?: string }[];
}

export interface DisclaimerCheckbox {
  id: string;
  key: string;
  text: string;
  is_required: boolean;
  is_checked_by_default: boolean;
}

export interface FormSpec {
  questions: Question[];
  privacyPolicy?: { url: string; link_text?: string };
  customDisclaimer?: {
    id: string;
    title?: string;
    body?: { text: string; url_entities?: { offset: number; length: number; url: string }[] };
    checkboxes: DisclaimerCheckbox[];
  };
  contextCard?: { id: string; title?: string; style?: string; content?: string[]; button_text?: string };
  thankYouPage?: {
    id: string;
    title?: string;
    body?: string;
    button_type?: string;
    button_text?: string;
    website_url?: string;
    business_phone_number?: string;
    country_code?: string;
    enable_messenger?: boolean;
  };
  trackingParameters: Record<string, string>;
  blockDisplayForNonTargetedViewer: boolean;
  isOptimizedForQuality: boolean;
  questionPageCustomHeadline?: string;
  followUpActionUrl?: string;
}

export type FormStatus = "ACTIVE" | "ARCHIVED" | "DELETED" | "DRAFT";

export interface FormRecord {
  id: string;
  pageId: string;
  name: string;
  status: FormStatus;
  locale: string;
  createdTime: number;
  spec: FormSpec;
  leadsCount: number;
  organicLeadsCount: number;
}

// Answers are kept in their wire shape, so the contract's declaration is the domain's too.
export type { DisclaimerResponse, FieldDatum };

export interface LeadRecord {
  id: string;
  formId: string;
  pageId: string;
  adId: string | null;
  adsetId: string | null;
  campaignId: string | null;
  accountId: string | null;
  createdTime: number;
  platform: string;
  isOrganic: boolean;
  isTest: boolean;
  fieldData: FieldDatum[];
  disclaimerResponses: DisclaimerResponse[];
  partnerName: string | null;
  retailerItemId: string | null;
  /** The app and user that created it through the API (test leads can only be deleted by them). */
  createdByAppId: string | null;
  createdByUserId: string | null;
  /** The person who submitted the form, when known: development-mode apps only see their role users' leads. */
  submitterUserId: string | null;
  source: LeadSource;
  externalId: string | null;
}

export interface TokenRecord {
  id: string;
  type: TokenType;
  appId: string;
  userId: string | null;
  pageId: string | null;
  scopes: string[];
  issuedAt: number;
  /** null = never expires. */
  expiresAt: number | null;
  dataAccessExpiresAt: number | null;
  /** Short-lived user tokens are exchangeable; page tokens inherit it. */
  longLived: boolean;
  /** Set when the token was invalidated: the 190 subcode callers will see. */
  invalidatedSubcode: number | null;
  invalidatedReason: string | null;
  label: string | null;
  /** Only a few characters, for display in lists; never the whole token. */
  displayPrefix: string;
}

/** A leadgen event in the outbox, written in the same transaction as its lead. */
export interface LeadEvent {
  id: string;
  leadId: string;
  pageId: string;
  formId: string;
  adId: string | null;
  createdTime: number;
  enqueuedAt: number;
}
