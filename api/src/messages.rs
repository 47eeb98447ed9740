//! The catalog of the messages a GraphQL client can be shown, in English and Spanish, and the translation of
//! an error's message into the language a request asks for (`Accept-Language: es`). Codes and
//! `extensions.field` never change with the language; only `message` does.
//!
//! Messages are written in English where they arise (the domain's errors, the API's refusals); each English
//! template here has the same key in the Spanish table. `{}` in an English template stands for any text (an
//! id, a number, or a smaller message that is translated in turn); the Spanish template places them with
//! `{0}`, `{1}`, … A message no template matches is left in English. An input path in front of a message
//! (`input.level: …`) is kept as it is, and so is a part the English template quotes (`"{}"`, `` `{}` ``):
//! a name (a field, a type, a column's text) is never translated.

/// The language error messages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    English,
    Spanish,
}

impl Language {
    /// The language an `Accept-Language` header prefers among those Groundwork speaks (English unless
    /// Spanish is weighted higher than English, or English is not listed at all).
    pub fn from_accept_language(header: Option<&str>) -> Self {
        let Some(header) = header else {
            return Self::English;
        };
        let mut best: Option<(f32, Self)> = None;
        for entry in header.split(',') {
            let mut parts = entry.split(';');
            let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let weight = parts
                .filter_map(|part| part.trim().strip_prefix("q="))
                .filter_map(|value| value.trim().parse::<f32>().ok())
                .next()
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or_default();
            let language = match primary {
                "es" => Self::Spanish,
                "en" | "*" => Self::English,
                _ => continue,
            };
            // The first of equal weights wins, as listed.
            if weight > 0.0 && best.is_none_or(|(best_weight, _)| weight > best_weight) {
                best = Some((weight, language));
            }
        }
        best.map_or(Self::English, |(_, language)| language)
    }

    /// The language of a BCP 47 tag (`es`, `es-MX`, `en-US`), if Groundwork speaks it.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split('-').next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "es" => Some(Self::Spanish),
            "en" => Some(Self::English),
            _ => None,
        }
    }
}

/// English templates by key.
pub const ENGLISH: &[(&str, &str)] = &[
    // The API boundary.
    ("api.internal", "an internal error occurred (reference {})"),
    ("api.unavailable", "the database connection was lost; retry the request (reference {})"),
    ("api.read_models_behind", "the read models are still catching up with the log; retry the request shortly (reference {})"),
    ("api.stale", "the change is saved (version {}) but not readable yet; read it again shortly"),
    ("api.not_found", "{} {} was not found"),
    ("api.conflict", "{} {} has changed since version {}; it is now at version {}"),
    ("api.store", "the database failed to store the change"),
    ("api.idempotency_running", "a request with this idempotency key is still running; retry shortly"),
    ("api.idempotency_reused", "this key was already used for a different mutation"),
    ("api.idempotency_length", "a key has 1 to {} characters"),
    ("api.version_negative", "a version is never negative"),
    ("api.cursor", "this is not a cursor this connection handed out"),
    ("api.page_size", "a page holds at most {} items"),
    ("api.page_negative", "a page size is never negative"),
    ("api.not_an_id", "this is not an id (a UUID)"),
    ("api.not_negative", "it must not be negative"),
    ("api.level_range", "the assessment level must be between 1 and 255"),
    ("api.goal_range", "the goal threshold must be between 1 and 100"),
    ("api.exactly_one", "give exactly one of {} and {}"),
    ("api.exactly_one_of", "give exactly one of {}, {} and {}"),
    ("api.exactly_one_of_four", "give exactly one of {}, {}, {} and {}"),
    ("api.no_field_called", "the campaign has no field called `{}`"),
    ("api.no_response_called", "the field has no response called `{}`"),
    ("api.forget_confirm", "type FORGET to confirm; erasure cannot be undone"),
    ("api.weeks", "give 1 to {} weeks"),
    ("api.days", "give a range of 0 to {} days after from"),
    ("api.several_campaigns", "you work in several campaigns of this chapter: name one"),
    ("api.no_campaign", "no campaign {} in this chapter"),
    ("api.no_test", "no structure test {} in this chapter"),
    ("api.no_user", "no user {} in this chapter"),
    ("api.no_token", "no token {} of yours"),
    ("api.no_unit_in_campaign", "no unit {} in this campaign"),
    ("api.unit_not_in_turf", "unit {} is not in this member's turf"),
    ("api.no_thing", "no {} in this chapter"),
    ("api.person_not_found", "person {} was not found"),
    ("api.one_export", "one export per request; send another request for another export"),
    ("api.export_rows", "an export holds at most {} people; narrow the filter"),
    ("api.name_search_grant", "searching by name needs the personal-data grant"),
    ("api.sort_grant", "ordering by name (or by level, whose ties go by name) needs the personal-data grant; use RECENTLY_CHANGED"),
    ("api.name_search_text", "the name search contains a control character"),
    ("api.single_line", "{} must be a single line without control characters"),
    // Access.
    ("access.role_may_not", "your role ({}) may not {}"),
    ("access.own_tasks", "your role ({}) works only on the tasks assigned to you"),
    ("access.narrowed", "your role is narrowed to some campaigns; this needs the whole chapter"),
    ("access.other_campaigns", "your role in this chapter is limited to other campaigns than {}"),
    ("access.turf", "an activist works only with the people of their turf"),
    ("access.own_one_on_ones", "an activist logs only their own 1:1s (organizerId must be you)"),
    ("access.activist_assess", "an activist logs 1:1s without an assessment; a lead or organizer assesses"),
    ("access.notes_grant", "an analyst reads notes only with the personal-data grant"),
    ("access.export", "exporting needs the export permission (an admin grants canExport)"),
    ("access.masked_names", "your role sees people's names masked, so it cannot filter by them"),
    ("access.admin_whole_chapter", "an admin works in the whole chapter and cannot be narrowed to campaigns"),
    ("access.only_admin", "this is the chapter's only admin; make another member admin first"),
    ("access.own_account", "you cannot disable your own account"),
    ("access.other_chapters_password", "this user belongs to other chapters too; they reset their password themselves"),
    ("access.bad_token", "the API token is not valid (revoked, expired or mistyped)"),
    ("access.csrf", "a request signed in with a cookie must carry the X-Groundwork-CSRF header"),
    ("access.session_ended", "the session has ended; sign in again"),
    ("access.sign_in", "sign in first"),
    ("access.ws_origin", "a cookie-authenticated WebSocket must come from this server's own pages"),
    ("permission.read", "read the chapter's data"),
    ("permission.analyze", "run analyst queries"),
    ("permission.manage_chapter", "manage the chapter"),
    ("permission.manage_campaigns", "set up campaigns and structure tests"),
    ("permission.edit_people", "edit people"),
    ("permission.assign_work", "assign organizers and tasks"),
    ("permission.work_tasks", "work on tasks"),
    ("permission.merge_people", "merge people"),
    ("permission.forget_people", "forget people"),
    ("permission.read_own", "read their own tasks"),
    ("permission.manage_users", "manage the chapter's users"),
    ("permission.read_turf", "read the people of their turf"),
    ("permission.work_turf", "work with the people of their turf"),
    ("permission.list_members", "list the chapter's members"),
    ("role.activist", "activist"),
    ("role.organizer", "organizer"),
    ("role.analyst", "analyst"),
    ("role.lead", "lead"),
    ("role.admin", "admin"),
    ("noun.chapter", "chapter"),
    ("noun.campaign", "campaign"),
    ("noun.person", "person"),
    ("noun.task", "task"),
    ("noun.structure_test", "structure test"),
    ("noun.unit", "unit"),
    // Values.
    ("value.empty", "{} must not be empty"),
    ("value.too_long", "{} must be at most {} characters long"),
    ("value.malformed", "{} is not valid: {}"),
    ("value.range", "{} must be between {} and {}"),
    ("value.control", "{} contains a control character (U+{})"),
    ("what.name", "the name"),
    ("what.text", "the text"),
    ("what.connection_kind", "the connection kind"),
    ("what.given_name", "the given name"),
    ("what.family_name", "the family name"),
    ("what.email", "the email address"),
    ("what.phone", "the phone number"),
    ("what.street", "the street address"),
    ("what.country", "the country"),
    ("what.locality", "the locality"),
    ("what.region", "the region"),
    ("what.postal_code", "the postal code"),
    ("what.colour", "the colour"),
    ("what.level", "the assessment level"),
    ("what.goal", "the goal threshold"),
    ("what.language", "the language"),
    ("what.number", "the number"),
    ("what.name_search", "the name search"),
    ("what.event_type", "the event type"),
    ("what.idempotency_key", "the idempotency key"),
    ("rule.spaces", "it must not contain spaces"),
    ("rule.at", "it needs an @"),
    ("rule.one_at", "it needs exactly one @ with text before it"),
    ("rule.domain", "the part after @ must be a domain such as example.org"),
    ("rule.phone_digits", "use only digits, spaces and a leading +"),
    ("rule.phone_length", "it must have between 7 and 15 digits"),
    ("rule.finite", "it must be a finite number"),
    ("rule.language", "use a language tag such as es or en-US"),
    ("rule.country", "use a two-letter country code such as US or MX"),
    ("rule.lines", "use at most 4 lines"),
    ("rule.colour", "use the form #rrggbb"),
    // Campaigns.
    ("campaign.exists", "the campaign already exists"),
    ("campaign.not_found", "the campaign was not found"),
    ("campaign.own_chapter", "a campaign can only be created in your own chapter"),
    ("campaign.goal", "the goal must be at least 1"),
    ("campaign.archived", "the campaign is archived"),
    ("campaign.already_archived", "the campaign is already archived"),
    ("campaign.not_archived", "the campaign is not archived"),
    ("campaign.level_not_on_scale", "level {} is not on the campaign's scale"),
    ("campaign.scale_full", "the scale already has the most levels allowed ({})"),
    ("campaign.unit_exists", "the unit already exists"),
    ("campaign.unit_not_found", "the unit was not found"),
    ("campaign.unit_retired", "the unit is retired"),
    ("campaign.parent_not_found", "the parent unit was not found"),
    ("campaign.parent_retired", "the parent unit is retired"),
    ("campaign.cycle", "a unit cannot be moved under itself or one of its sub-units"),
    ("campaign.sub_units", "the unit still has active sub-units"),
    ("campaign.section_exists", "the section already exists"),
    ("campaign.section_not_found", "the section was not found"),
    ("campaign.field_exists", "the field already exists"),
    ("campaign.field_not_found", "the field was not found"),
    ("campaign.no_responses", "a {} field has no responses to pick from"),
    ("campaign.response_exists", "the response already exists"),
    ("campaign.response_not_found", "the response was not found"),
    ("campaign.response_retired", "the response is retired"),
    // Chapters.
    ("chapter.exists", "the chapter already exists"),
    ("chapter.not_found", "the chapter was not found"),
    // People.
    ("person.not_found", "the person was not found"),
    ("person.exists", "the person is already in a campaign"),
    ("person.removed", "the person was removed from the campaign"),
    ("person.merged", "the person was merged into {}"),
    ("person.forgotten", "the person was forgotten"),
    ("person.already_forgotten", "the person has already been forgotten"),
    ("person.contact_exists", "the contact point already exists"),
    ("person.contact_not_found", "the contact point was not found"),
    ("person.do_not_contact", "the do-not-contact flag already has this value"),
    ("person.unit_not_found", "the unit is not a unit of the campaign"),
    ("person.in_unit", "the person is already in this unit"),
    ("person.not_in_unit", "the person is not in this unit"),
    ("person.field_not_found", "the field is not a field of the campaign"),
    ("person.takes_no_responses", "a {} field has no responses to pick from"),
    ("person.takes_responses", "a {} field is answered by picking responses, not with a value"),
    ("person.value_mismatch", "the value does not fit a {} field"),
    ("person.no_value", "the person has no value for this field"),
    ("person.response_not_found", "the response is not an active response of the field"),
    ("person.has_response", "the person already has this response"),
    ("person.has_external_id", "the person already has this id in this system"),
    ("person.lacks_response", "the person does not have this response"),
    ("person.not_assessed", "the person is not assessed"),
    ("person.connection_exists", "the connection already exists"),
    ("person.connection_not_found", "the connection was not found"),
    ("person.connection_inactive", "the connection is already inactive"),
    ("person.connect_self", "a person cannot be connected to themselves"),
    ("person.target_not_in_campaign", "person {} is not in the campaign"),
    ("person.assigned", "the person is already assigned to this organizer"),
    ("person.not_member", "{} is not a member of the chapter"),
    ("person.no_organizer", "the person has no organizer"),
    ("person.flagged", "the person is already flagged for follow-up"),
    ("person.not_flagged", "the person is not flagged for follow-up"),
    ("person.note_exists", "the note already exists"),
    ("person.conversation_logged", "the conversation was already logged"),
    ("person.conversation_future", "a conversation cannot be logged before it was held"),
    ("person.test_not_found", "the structure test was not found"),
    ("person.test_closed", "the structure test is closed"),
    ("person.not_in_test", "the person is not in the structure test's units"),
    ("person.step_recorded", "the person's step is already {}"),
    ("person.step_not_allowed", "a person cannot go from {} to {}"),
    ("person.merge_self", "a person cannot be merged with themselves"),
    ("person.duplicate_not_found", "the duplicate was not found"),
    ("person.duplicate_campaign", "the duplicate is in another campaign"),
    ("person.duplicate_inactive", "the duplicate was removed, merged or forgotten"),
    // Tasks.
    ("task.exists", "the task already exists"),
    ("task.not_found", "the task was not found"),
    ("task.assigned", "the task is already assigned to this organizer"),
    ("task.due", "the due date is unchanged"),
    ("task.done", "the task is done"),
    ("task.cancelled", "the task is cancelled"),
    ("task.open", "the task is open"),
    ("task.subject_twice", "person {} is listed twice"),
    // Structure tests.
    ("test.exists", "the structure test already exists"),
    ("test.not_found", "the structure test was not found"),
    ("test.unit_not_found", "unit {} is not a unit of the campaign"),
    ("test.unit_retired", "unit {} is retired"),
    ("test.unit_twice", "unit {} appears twice in the scope"),
    ("test.deadline", "the deadline must not be in the past"),
    ("test.closed", "the structure test is closed"),
    // Invitations and accounts (ADR 16).
    ("invitation.wrong_code", "this invitation code is not valid; check the link or ask your chapter's admin for a new invitation"),
    ("invitation.expired", "this invitation has expired; ask your chapter's admin for a new one"),
    ("invitation.used", "this invitation has been accepted already; sign in instead"),
    ("invitation.withdrawn", "this invitation was withdrawn; ask your chapter's admin for a new one"),
    ("invitation.wrong_password", "this address has a Groundwork account already; give that account's password to accept"),
    ("invitation.already_member", "this address is a member of the chapter already; change their role instead"),
    ("invitation.not_open", "no open invitation {} in this chapter"),
    // GraphQL's own errors (async-graphql's parser and validation rules), the names they quote kept.
    ("graphql.syntax", "the query is not valid GraphQL (line {}, column {}): {}"),
    ("graphql.unknown_field", r#"Unknown field "{}" on type "{}"."#),
    ("graphql.unknown_field_suggestion", r#"Unknown field "{}" on type "{}". Did you mean {}?"#),
    ("graphql.unknown_argument", r#"Unknown argument "{}" on field "{}" of type "{}"."#),
    ("graphql.unknown_argument_suggestion", r#"Unknown argument "{}" on field "{}" of type "{}". Did you mean {}?"#),
    ("graphql.argument_required", r#"Field "{}" argument "{}" of type "{}" is required but not provided"#),
    ("graphql.invalid_argument", r#"Invalid value for argument "{}", {}"#),
    ("graphql.expected_type", r#"expected type "{}""#),
    ("graphql.enum_value", r#"enumeration type "{}" does not contain the value "{}""#),
    ("graphql.input_field_required", r#"field "{}" of type "{}" is required but not provided"#),
    ("graphql.unknown_input_field", r#"unknown field "{}" of type "{}""#),
    ("graphql.no_subfields", r#"Field "{}" must not have a selection since type "{}" has no subfields"#),
    ("graphql.needs_subfields", r#"Field "{}" of type "{}" must have a selection of subfields"#),
    ("graphql.unknown_type", r#"Unknown type "{}""#),
    ("graphql.variable_undefined_in", r#"Variable "${}" is not defined by operation "{}""#),
    ("graphql.variable_undefined", r#"Variable "${}" is not defined"#),
    ("graphql.variable_unused_in", r#"Variable "${}" is not used by operation "{}""#),
    ("graphql.variable_unused", r#"Variable "${}" is not used"#),
    ("graphql.variable_position", r#"Variable "{}" of type "{}" used in position expecting type "{}""#),
    ("graphql.variable_input_type", r#"Variable "{}" cannot be of non-input type "{}""#),
    ("graphql.argument_twice", r#"There can only be one argument named "{}""#),
    ("graphql.variable_twice", r#"There can only be one variable named "${}""#),
    ("graphql.unknown_fragment", r#"Unknown fragment: "{}""#),
    ("graphql.unused_fragment", r#"Fragment "{}" is never used"#),
    ("graphql.unknown_directive", r#"Unknown directive "{}""#),
    ("graphql.conflicting_arguments", r#"Fields "{}" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional."#),
    ("graphql.too_complex", "Query is too complex."),
    ("graphql.too_deep", "Query is nested too deep."),
    ("graphql.unknown_operation", r#"Unknown operation named "{}""#),
    ("graphql.operation_name", "Operation name required in request."),
    ("graphql.operation_type", "Schema is not configured for {}s."),
    ("graphql.cannot_query", r#"Cannot query field "{}" on type "{}"."#),
    ("graphql.failed_to_parse", r#"Failed to parse "{}": {}"#),
    ("graphql.expected_input", r#"Expected input type "{}", found {}."#),
    ("graphql.while_parsing", r#"{} (occurred while parsing "{}")"#),
    ("graphql.body", "the body is not a GraphQL request: {}"),
    // Imports: a plan's row errors and the import calls' refusals.
    ("import.row_error_column", "line {}, column {}: {}"),
    ("import.row_error", "line {}: {}"),
    ("import.not_a_person_id", "`{}` is not a Groundwork person id (a UUID)"),
    ("import.phone_no_digits", "the phone number has no digits"),
    ("import.unit_not_in_campaign", "unit {} is not a unit of this campaign"),
    ("import.unit_ambiguous", "`{}` names more than one unit; use the unit's id"),
    ("import.no_unit", "no unit `{}`; give the path of names from the top, separated by /"),
    ("import.not_field_response", "`{}` is not `Field: Response`"),
    ("import.no_field", "the campaign has no field `{}` (or more than one)"),
    ("import.no_response", "field `{}` has no response called `{}` (or more than one)"),
    ("import.not_member", "`{}` is not a member of the chapter; give a member's user id or email address"),
    ("import.not_whole_number", "`{}` is not a whole number"),
    ("import.not_active_person", "person {} is not an active person of this campaign"),
    ("import.matches_several", "matches {} people ({}); give their Groundwork id, or merge them first"),
    ("import.matched_already", "line {} already matched this person; merge the two rows"),
    ("import.needs_given_name", "no one matches this row, and a new person needs a given name"),
    ("import.same_new_value", "line {} adds a new person with the same value; merge the two rows"),
    ("import.not_base64", "this is not base64"),
    ("import.file_name", "give the file's name (at most 255 characters, one line)"),
    ("import.encoding", "the text is not valid in its encoding"),
    ("import.region", "`{}` is not a known region; use one of {}"),
    ("import.not_found", "import {} was not found"),
    ("import.no_longer_kept", "the file of this import is no longer kept (it was committed)"),
    ("import.mapped_state", "the import is {}; only an import not committed yet is mapped"),
    ("import.previewed_state", "the import is {}; only an import not committed yet is previewed"),
    ("import.unmapped_column", "column `{}` matches nothing; map it to a target or to `ignore`"),
    ("import.no_identifying_column", "no column names or identifies people: map one to given_name, id, external_id:SYSTEM, email or phone"),
    ("import.committing", "the import is already being committed, or was committed"),
    ("import.undo_state", "the import is {}; only a committed import is undone"),
    ("import.undo_raced", "a person of this import changed while it was undone ({}); undo it again"),
    ("import.rows_have_errors", "{} of {} rows have errors (the first: {}); nothing was imported. Correct the file, or commit with skipErrors to leave those rows out"),
    ("import.no_file", "the request carries no file for this variable; send the file as a GraphQL multipart request"),
    ("import.file_or_base64", "give the file either as `file` (a multipart upload) or as `contentBase64`, not both"),
    // GraphQL multipart requests (files).
    ("upload.too_large", "the file is larger than the upload limit of {}; larger files go through `groundwork people import`"),
    ("upload.operations_too_large", "the operations part of a multipart request holds at most {}"),
    ("upload.map_too_large", "the map part of a multipart request holds at most {}"),
    ("upload.no_boundary", "a multipart request needs a boundary in its Content-Type"),
    ("upload.operations_not_graphql", "the operations part is not a GraphQL request: {}"),
    ("upload.map_not_json", "the map part is not a JSON object of file names to lists of variable paths"),
    ("upload.order", "a multipart request sends its operations and map parts before its files"),
    ("upload.too_many_files", "a request carries at most {} file"),
    ("upload.no_operations", "a multipart request needs an operations part"),
    ("upload.no_map", "a multipart request needs a map part"),
    ("upload.file_not_mapped", "the map part does not say where the file `{}` goes"),
    ("upload.missing_file", "the map part names a file `{}` that the request does not carry"),
    ("upload.malformed", "the multipart request is malformed: {}"),
    // Signing in, out and changing the password (`/auth/*`), accounts and tokens.
    ("auth.csrf_sign_in", "sign-in must carry the X-Groundwork-CSRF header"),
    ("auth.chapter_id", "chapterId is not a chapter id"),
    ("auth.body", "the body is not the JSON this address takes: {}"),
    ("auth.bad_credentials", "the email address or password is wrong, or the account is disabled"),
    ("auth.throttled", "too many failed sign-ins; wait a few minutes and try again"),
    ("auth.disabled", "this account is disabled; ask your chapter's admin to enable it"),
    ("auth.password_length", "a password needs at least {} characters"),
    ("auth.account_exists", "an account for {} exists already"),
    ("auth.not_an_email", "`{}` is not an email address"),
    ("auth.not_enabled_member", "{} is not an enabled account with a role in chapter {}"),
    ("auth.token_name", "a token needs a name of 1 to 100 characters"),
    ("auth.token_rights", "a token cannot have more rights than your own role ({})"),
    ("auth.connection_lost", "the database connection was lost; retry the request"),
    ("auth.internal", "something went wrong inside Groundwork"),
    ("auth.metrics", "metrics need the operator's token (GROUNDWORK_METRICS_TOKEN)"),
    ("oidc.not_configured", "single sign-on is not configured on this server"),
    ("oidc.unavailable", "the identity provider cannot be reached or did not answer as expected; try again later"),
    ("oidc.unknown_state", "this sign-in has expired or was used already; start again"),
    ("oidc.wrong_browser", "this sign-in was started in another browser, or the browser refused its cookie; start again"),
    ("oidc.refused", "the identity provider did not sign you in: {}"),
    ("oidc.invalid_answer", "the identity provider's answer could not be verified; start again"),
    ("oidc.unverified_email", "your identity provider has not verified the email address {}, so it cannot be matched to a Groundwork account; ask your IT team to verify it"),
    ("oidc.no_email", "your identity provider did not share an email address, so no Groundwork account can be found for you; ask your IT team to release the email claim to Groundwork"),
    ("oidc.no_account", "there is no Groundwork account for {}; ask an admin of your chapter to add you"),
    ("oidc.linked_elsewhere", "the Groundwork account for {} is linked to another identity at your provider; ask an admin"),
    ("oidc.disabled", "this Groundwork account is disabled"),
    ("oidc.no_membership", "this Groundwork account has no role in any chapter; ask an admin of your chapter"),
    ("oidc.page_title", "Sign-in failed"),
    ("oidc.page_again", "Sign in again"),
    ("oidc.page_reference", "Reference {}"),
];

/// Spanish templates by key (the same keys as [`ENGLISH`]).
pub const SPANISH: &[(&str, &str)] = &[
    ("api.internal", "se produjo un error interno (referencia {0})"),
    ("api.unavailable", "se perdió la conexión con la base de datos; repita la solicitud (referencia {0})"),
    ("api.read_models_behind", "los datos de consulta aún se están poniendo al día con el registro; repita la solicitud en un momento (referencia {0})"),
    ("api.stale", "el cambio está guardado (versión {0}) pero aún no se puede leer; vuelva a leerlo en un momento"),
    ("api.not_found", "no se encontró {0} {1}"),
    ("api.conflict", "{0} {1} cambió desde la versión {2}; ahora está en la versión {3}"),
    ("api.store", "la base de datos no pudo guardar el cambio"),
    ("api.idempotency_running", "una solicitud con esta clave de idempotencia aún está en curso; repítala en un momento"),
    ("api.idempotency_reused", "esta clave ya se usó para otra mutación"),
    ("api.idempotency_length", "una clave tiene de 1 a {0} caracteres"),
    ("api.version_negative", "una versión nunca es negativa"),
    ("api.cursor", "esto no es un cursor que haya dado esta conexión"),
    ("api.page_size", "una página tiene como máximo {0} elementos"),
    ("api.page_negative", "el tamaño de una página nunca es negativo"),
    ("api.not_an_id", "esto no es un identificador (un UUID)"),
    ("api.not_negative", "no debe ser negativo"),
    ("api.level_range", "el nivel de evaluación debe estar entre 1 y 255"),
    ("api.goal_range", "el umbral de la meta debe estar entre 1 y 100"),
    ("api.exactly_one", "indique exactamente uno de {0} y {1}"),
    ("api.exactly_one_of", "indique exactamente uno de {0}, {1} y {2}"),
    ("api.exactly_one_of_four", "indique exactamente uno de {0}, {1}, {2} y {3}"),
    ("api.no_field_called", "la campaña no tiene ningún campo llamado `{0}`"),
    ("api.no_response_called", "el campo no tiene ninguna respuesta llamada `{0}`"),
    ("api.forget_confirm", "escriba FORGET para confirmar; el borrado no se puede deshacer"),
    ("api.weeks", "indique de 1 a {0} semanas"),
    ("api.days", "indique un intervalo de 0 a {0} días después de from"),
    ("api.several_campaigns", "trabaja en varias campañas de esta sección: indique una"),
    ("api.no_campaign", "no hay ninguna campaña {0} en esta sección"),
    ("api.no_test", "no hay ninguna prueba de estructura {0} en esta sección"),
    ("api.no_user", "no hay ningún usuario {0} en esta sección"),
    ("api.no_token", "no tiene ningún token {0}"),
    ("api.no_unit_in_campaign", "no hay ninguna unidad {0} en esta campaña"),
    ("api.unit_not_in_turf", "la unidad {0} no está en el territorio de este miembro"),
    ("api.no_thing", "{0} no está en esta sección"),
    ("api.person_not_found", "no se encontró la persona {0}"),
    ("api.one_export", "una exportación por solicitud; envíe otra solicitud para otra exportación"),
    ("api.export_rows", "una exportación tiene como máximo {0} personas; acote el filtro"),
    ("api.name_search_grant", "buscar por nombre requiere el permiso de datos personales"),
    ("api.sort_grant", "ordenar por nombre (o por nivel, cuyos empates se ordenan por nombre) requiere el permiso de datos personales; use RECENTLY_CHANGED"),
    ("api.name_search_text", "la búsqueda por nombre contiene un carácter de control"),
    ("api.single_line", "{0} debe ser una sola línea sin caracteres de control"),
    ("access.role_may_not", "su rol ({0}) no puede {1}"),
    ("access.own_tasks", "su rol ({0}) solo trabaja en las tareas que tiene asignadas"),
    ("access.narrowed", "su rol está limitado a algunas campañas; esto requiere toda la sección"),
    ("access.other_campaigns", "su rol en esta sección está limitado a campañas distintas de {0}"),
    ("access.turf", "un activista solo trabaja con las personas de su territorio"),
    ("access.own_one_on_ones", "un activista solo registra sus propias conversaciones 1:1 (organizerId debe ser usted)"),
    ("access.activist_assess", "un activista registra conversaciones 1:1 sin evaluación; evalúa un líder u organizador"),
    ("access.notes_grant", "un analista solo lee notas con el permiso de datos personales"),
    ("access.export", "exportar requiere el permiso de exportación (lo concede un administrador con canExport)"),
    ("access.masked_names", "su rol ve los nombres de las personas ocultos, así que no puede filtrar por ellos"),
    ("access.admin_whole_chapter", "un administrador trabaja en toda la sección y no se puede limitar a campañas"),
    ("access.only_admin", "es el único administrador de la sección; haga administrador a otro miembro primero"),
    ("access.own_account", "no puede desactivar su propia cuenta"),
    ("access.other_chapters_password", "este usuario pertenece también a otras secciones; restablece su contraseña él mismo"),
    ("access.bad_token", "el token de la API no es válido (revocado, caducado o mal escrito)"),
    ("access.csrf", "una solicitud con sesión por cookie debe llevar la cabecera X-Groundwork-CSRF"),
    ("access.session_ended", "la sesión terminó; vuelva a iniciar sesión"),
    ("access.sign_in", "inicie sesión primero"),
    ("access.ws_origin", "un WebSocket autenticado por cookie debe venir de las páginas de este servidor"),
    ("permission.read", "leer los datos de la sección"),
    ("permission.analyze", "hacer consultas de análisis"),
    ("permission.manage_chapter", "administrar la sección"),
    ("permission.manage_campaigns", "configurar campañas y pruebas de estructura"),
    ("permission.edit_people", "editar personas"),
    ("permission.assign_work", "asignar organizadores y tareas"),
    ("permission.work_tasks", "trabajar en tareas"),
    ("permission.merge_people", "fusionar personas"),
    ("permission.forget_people", "olvidar personas"),
    ("permission.read_own", "leer sus propias tareas"),
    ("permission.manage_users", "administrar los usuarios de la sección"),
    ("permission.read_turf", "leer las personas de su territorio"),
    ("permission.work_turf", "trabajar con las personas de su territorio"),
    ("permission.list_members", "ver la lista de miembros de la sección"),
    ("role.activist", "activista"),
    ("role.organizer", "organizador"),
    ("role.analyst", "analista"),
    ("role.lead", "líder"),
    ("role.admin", "administrador"),
    ("noun.chapter", "la sección"),
    ("noun.campaign", "la campaña"),
    ("noun.person", "la persona"),
    ("noun.task", "la tarea"),
    ("noun.structure_test", "la prueba de estructura"),
    ("noun.unit", "la unidad"),
    ("value.empty", "falta {0}"),
    ("value.too_long", "{0} debe tener como máximo {1} caracteres"),
    ("value.malformed", "{0} no tiene un formato válido: {1}"),
    ("value.range", "{0} debe estar entre {1} y {2}"),
    ("value.control", "{0} contiene un carácter de control (U+{1})"),
    ("what.name", "el nombre"),
    ("what.text", "el texto"),
    ("what.connection_kind", "el tipo de conexión"),
    ("what.given_name", "el nombre de pila"),
    ("what.family_name", "el apellido"),
    ("what.email", "la dirección de correo"),
    ("what.phone", "el número de teléfono"),
    ("what.street", "la dirección"),
    ("what.country", "el país"),
    ("what.locality", "la localidad"),
    ("what.region", "la región"),
    ("what.postal_code", "el código postal"),
    ("what.colour", "el color"),
    ("what.level", "el nivel de evaluación"),
    ("what.goal", "el umbral de la meta"),
    ("what.language", "el idioma"),
    ("what.number", "el número"),
    ("what.name_search", "la búsqueda por nombre"),
    ("what.event_type", "el tipo de evento"),
    ("what.idempotency_key", "la clave de idempotencia"),
    ("rule.spaces", "no debe contener espacios"),
    ("rule.at", "necesita una @"),
    ("rule.one_at", "necesita exactamente una @ con texto delante"),
    ("rule.domain", "lo que sigue a la @ debe ser un dominio como example.org"),
    ("rule.phone_digits", "use solo dígitos, espacios y un + inicial"),
    ("rule.phone_length", "debe tener entre 7 y 15 dígitos"),
    ("rule.finite", "debe ser un número finito"),
    ("rule.language", "use una etiqueta de idioma como es o en-US"),
    ("rule.country", "use un código de país de dos letras como US o MX"),
    ("rule.lines", "use como máximo 4 líneas"),
    ("rule.colour", "use la forma #rrggbb"),
    ("campaign.exists", "la campaña ya existe"),
    ("campaign.not_found", "no se encontró la campaña"),
    ("campaign.own_chapter", "una campaña solo se puede crear en su propia sección"),
    ("campaign.goal", "la meta debe ser al menos 1"),
    ("campaign.archived", "la campaña está archivada"),
    ("campaign.already_archived", "la campaña ya está archivada"),
    ("campaign.not_archived", "la campaña no está archivada"),
    ("campaign.level_not_on_scale", "el nivel {0} no está en la escala de la campaña"),
    ("campaign.scale_full", "la escala ya tiene el máximo de niveles permitido ({0})"),
    ("campaign.unit_exists", "la unidad ya existe"),
    ("campaign.unit_not_found", "no se encontró la unidad"),
    ("campaign.unit_retired", "la unidad está retirada"),
    ("campaign.parent_not_found", "no se encontró la unidad superior"),
    ("campaign.parent_retired", "la unidad superior está retirada"),
    ("campaign.cycle", "una unidad no se puede mover bajo sí misma ni bajo una de sus subunidades"),
    ("campaign.sub_units", "la unidad aún tiene subunidades activas"),
    ("campaign.section_exists", "la sección de campos ya existe"),
    ("campaign.section_not_found", "no se encontró la sección de campos"),
    ("campaign.field_exists", "el campo ya existe"),
    ("campaign.field_not_found", "no se encontró el campo"),
    ("campaign.no_responses", "un campo {0} no tiene respuestas para elegir"),
    ("campaign.response_exists", "la respuesta ya existe"),
    ("campaign.response_not_found", "no se encontró la respuesta"),
    ("campaign.response_retired", "la respuesta está retirada"),
    ("chapter.exists", "la sección ya existe"),
    ("chapter.not_found", "no se encontró la sección"),
    ("person.not_found", "no se encontró la persona"),
    ("person.exists", "la persona ya está en una campaña"),
    ("person.removed", "la persona fue retirada de la campaña"),
    ("person.merged", "la persona se fusionó con {0}"),
    ("person.forgotten", "la persona fue olvidada"),
    ("person.already_forgotten", "la persona ya fue olvidada"),
    ("person.contact_exists", "el punto de contacto ya existe"),
    ("person.contact_not_found", "no se encontró el punto de contacto"),
    ("person.do_not_contact", "la marca de no contactar ya tiene este valor"),
    ("person.unit_not_found", "la unidad no es una unidad de la campaña"),
    ("person.in_unit", "la persona ya está en esta unidad"),
    ("person.not_in_unit", "la persona no está en esta unidad"),
    ("person.field_not_found", "el campo no es un campo de la campaña"),
    ("person.takes_no_responses", "un campo {0} no tiene respuestas para elegir"),
    ("person.takes_responses", "un campo {0} se responde eligiendo respuestas, no con un valor"),
    ("person.value_mismatch", "el valor no corresponde a un campo {0}"),
    ("person.no_value", "la persona no tiene ningún valor en este campo"),
    ("person.response_not_found", "la respuesta no es una respuesta activa del campo"),
    ("person.has_response", "la persona ya tiene esta respuesta"),
    ("person.has_external_id", "la persona ya tiene este identificador en este sistema"),
    ("person.lacks_response", "la persona no tiene esta respuesta"),
    ("person.not_assessed", "la persona no está evaluada"),
    ("person.connection_exists", "la conexión ya existe"),
    ("person.connection_not_found", "no se encontró la conexión"),
    ("person.connection_inactive", "la conexión ya está inactiva"),
    ("person.connect_self", "una persona no se puede conectar consigo misma"),
    ("person.target_not_in_campaign", "la persona {0} no está en la campaña"),
    ("person.assigned", "la persona ya está asignada a este organizador"),
    ("person.not_member", "{0} no es miembro de la sección"),
    ("person.no_organizer", "la persona no tiene organizador"),
    ("person.flagged", "la persona ya está marcada para seguimiento"),
    ("person.not_flagged", "la persona no está marcada para seguimiento"),
    ("person.note_exists", "la nota ya existe"),
    ("person.conversation_logged", "la conversación ya se registró"),
    ("person.conversation_future", "una conversación no se puede registrar antes de haberse tenido"),
    ("person.test_not_found", "no se encontró la prueba de estructura"),
    ("person.test_closed", "la prueba de estructura está cerrada"),
    ("person.not_in_test", "la persona no está en las unidades de la prueba de estructura"),
    ("person.step_recorded", "el paso de la persona ya es {0}"),
    ("person.step_not_allowed", "una persona no puede pasar de {0} a {1}"),
    ("person.merge_self", "una persona no se puede fusionar consigo misma"),
    ("person.duplicate_not_found", "no se encontró el duplicado"),
    ("person.duplicate_campaign", "el duplicado está en otra campaña"),
    ("person.duplicate_inactive", "el duplicado fue retirado, fusionado u olvidado"),
    ("task.exists", "la tarea ya existe"),
    ("task.not_found", "no se encontró la tarea"),
    ("task.assigned", "la tarea ya está asignada a este organizador"),
    ("task.due", "la fecha límite no cambió"),
    ("task.done", "la tarea está hecha"),
    ("task.cancelled", "la tarea está cancelada"),
    ("task.open", "la tarea está abierta"),
    ("task.subject_twice", "la persona {0} aparece dos veces"),
    ("test.exists", "la prueba de estructura ya existe"),
    ("test.not_found", "no se encontró la prueba de estructura"),
    ("test.unit_not_found", "la unidad {0} no es una unidad de la campaña"),
    ("test.unit_retired", "la unidad {0} está retirada"),
    ("test.unit_twice", "la unidad {0} aparece dos veces en el alcance"),
    ("test.deadline", "la fecha límite no debe estar en el pasado"),
    ("test.closed", "la prueba de estructura está cerrada"),
    ("invitation.wrong_code", "este código de invitación no es válido; revise el enlace o pida una invitación nueva al administrador de su sección"),
    ("invitation.expired", "esta invitación caducó; pida una nueva al administrador de su sección"),
    ("invitation.used", "esta invitación ya fue aceptada; inicie sesión"),
    ("invitation.withdrawn", "esta invitación fue retirada; pida una nueva al administrador de su sección"),
    ("invitation.wrong_password", "esta dirección ya tiene una cuenta de Groundwork; escriba la contraseña de esa cuenta para aceptar"),
    ("invitation.already_member", "esta dirección ya es miembro de la sección; cambie su rol en su lugar"),
    ("invitation.not_open", "no hay ninguna invitación abierta {0} en esta sección"),
    ("graphql.syntax", "la consulta no es GraphQL válido (línea {0}, columna {1}): {2}"),
    ("graphql.unknown_field", r#"el campo "{0}" no existe en el tipo "{1}"."#),
    ("graphql.unknown_field_suggestion", r#"el campo "{0}" no existe en el tipo "{1}". ¿Quería decir {2}?"#),
    ("graphql.unknown_argument", r#"el argumento "{0}" no existe en el campo "{1}" del tipo "{2}"."#),
    ("graphql.unknown_argument_suggestion", r#"el argumento "{0}" no existe en el campo "{1}" del tipo "{2}". ¿Quería decir {3}?"#),
    ("graphql.argument_required", r#"el campo "{0}" del tipo "{2}" necesita el argumento "{1}", que falta"#),
    ("graphql.invalid_argument", r#"valor no válido para el argumento "{0}": {1}"#),
    ("graphql.expected_type", r#"se esperaba el tipo "{0}""#),
    ("graphql.enum_value", r#"la enumeración "{0}" no tiene el valor "{1}""#),
    ("graphql.input_field_required", r#"falta el campo "{0}" de tipo "{1}", que es obligatorio"#),
    ("graphql.unknown_input_field", r#"el campo "{0}" no existe en el tipo "{1}""#),
    ("graphql.no_subfields", r#"el campo "{0}" no admite una selección porque el tipo "{1}" no tiene subcampos"#),
    ("graphql.needs_subfields", r#"el campo "{0}" de tipo "{1}" necesita una selección de subcampos"#),
    ("graphql.unknown_type", r#"el tipo "{0}" no existe"#),
    ("graphql.variable_undefined_in", r#"la variable "${0}" no está definida en la operación "{1}""#),
    ("graphql.variable_undefined", r#"la variable "${0}" no está definida"#),
    ("graphql.variable_unused_in", r#"la operación "{1}" no usa la variable "${0}""#),
    ("graphql.variable_unused", r#"la variable "${0}" no se usa"#),
    ("graphql.variable_position", r#"la variable "{0}" de tipo "{1}" se usa donde se espera el tipo "{2}""#),
    ("graphql.variable_input_type", r#"la variable "{0}" no puede ser del tipo "{1}", que no es de entrada"#),
    ("graphql.argument_twice", r#"solo puede haber un argumento llamado "{0}""#),
    ("graphql.variable_twice", r#"solo puede haber una variable llamada "${0}""#),
    ("graphql.unknown_fragment", r#"el fragmento "{0}" no existe"#),
    ("graphql.unused_fragment", r#"el fragmento "{0}" no se usa"#),
    ("graphql.unknown_directive", r#"la directiva "{0}" no existe"#),
    ("graphql.conflicting_arguments", r#"los campos "{0}" chocan porque tienen argumentos distintos. Use alias distintos para pedir ambos si era la intención."#),
    ("graphql.too_complex", "la consulta es demasiado compleja."),
    ("graphql.too_deep", "la consulta está anidada a demasiada profundidad."),
    ("graphql.unknown_operation", r#"no hay ninguna operación llamada "{0}""#),
    ("graphql.operation_name", "la solicitud debe indicar el nombre de la operación."),
    ("graphql.operation_type", "el esquema no admite operaciones de tipo {0}."),
    ("graphql.cannot_query", r#"no se puede consultar el campo "{0}" en el tipo "{1}"."#),
    ("graphql.failed_to_parse", r#"no se pudo leer "{0}": {1}"#),
    ("graphql.expected_input", r#"se esperaba el tipo de entrada "{0}" y se recibió {1}."#),
    ("graphql.while_parsing", r#"{0} (al leer "{1}")"#),
    ("graphql.body", "el cuerpo no es una solicitud GraphQL: {0}"),
    ("import.row_error_column", "línea {0}, columna {1}: {2}"),
    ("import.row_error", "línea {0}: {1}"),
    ("import.not_a_person_id", "`{0}` no es un identificador de persona de Groundwork (un UUID)"),
    ("import.phone_no_digits", "el número de teléfono no tiene dígitos"),
    ("import.unit_not_in_campaign", "la unidad {0} no es una unidad de esta campaña"),
    ("import.unit_ambiguous", "`{0}` nombra más de una unidad; use el identificador de la unidad"),
    ("import.no_unit", "no hay ninguna unidad `{0}`; indique la ruta de nombres desde arriba, separados por /"),
    ("import.not_field_response", "`{0}` no tiene la forma `Campo: Respuesta`"),
    ("import.no_field", "la campaña no tiene ningún campo `{0}` (o tiene más de uno)"),
    ("import.no_response", "el campo `{0}` no tiene ninguna respuesta llamada `{1}` (o tiene más de una)"),
    ("import.not_member", "`{0}` no es miembro de la sección; indique el identificador de usuario o el correo de un miembro"),
    ("import.not_whole_number", "`{0}` no es un número entero"),
    ("import.not_active_person", "la persona {0} no es una persona activa de esta campaña"),
    ("import.matches_several", "coincide con {0} personas ({1}); indique su identificador de Groundwork o fusiónelas antes"),
    ("import.matched_already", "la línea {0} ya coincidió con esta persona; junte las dos filas"),
    ("import.needs_given_name", "nadie coincide con esta fila, y una persona nueva necesita un nombre de pila"),
    ("import.same_new_value", "la línea {0} añade una persona nueva con el mismo valor; junte las dos filas"),
    ("import.not_base64", "esto no está en base64"),
    ("import.file_name", "indique el nombre del archivo (como máximo 255 caracteres, en una línea)"),
    ("import.encoding", "el texto no es válido en su codificación"),
    ("import.region", "`{0}` no es una región conocida; use una de {1}"),
    ("import.not_found", "no se encontró la importación {0}"),
    ("import.no_longer_kept", "el archivo de esta importación ya no se conserva (se confirmó)"),
    ("import.mapped_state", "la importación está en estado {0}; solo se asignan columnas de una importación aún no confirmada"),
    ("import.previewed_state", "la importación está en estado {0}; solo se previsualiza una importación aún no confirmada"),
    ("import.unmapped_column", "la columna `{0}` no corresponde a nada; asígnela a un destino o a `ignore`"),
    ("import.no_identifying_column", "ninguna columna nombra o identifica a las personas: asigne una a given_name, id, external_id:SYSTEM, email o phone"),
    ("import.committing", "la importación ya se está confirmando, o ya se confirmó"),
    ("import.undo_state", "la importación está en estado {0}; solo se deshace una importación confirmada"),
    ("import.undo_raced", "una persona de esta importación cambió mientras se deshacía ({0}); deshágala otra vez"),
    ("import.rows_have_errors", "{0} de {1} filas tienen errores (el primero: {2}); no se importó nada. Corrija el archivo o confirme con skipErrors para dejar fuera esas filas"),
    ("import.no_file", "la petición no lleva ningún archivo para esta variable; envíe el archivo como petición multipart de GraphQL"),
    ("import.file_or_base64", "dé el archivo como `file` (una subida multipart) o como `contentBase64`, no de las dos maneras"),
    ("upload.too_large", "el archivo supera el límite de subida de {0}; los archivos más grandes se importan con `groundwork people import`"),
    ("upload.operations_too_large", "la parte operations de una petición multipart contiene como máximo {0}"),
    ("upload.map_too_large", "la parte map de una petición multipart contiene como máximo {0}"),
    ("upload.no_boundary", "una petición multipart necesita un boundary en su Content-Type"),
    ("upload.operations_not_graphql", "la parte operations no es una petición GraphQL: {0}"),
    ("upload.map_not_json", "la parte map no es un objeto JSON de nombres de archivo a listas de rutas de variables"),
    ("upload.order", "una petición multipart envía sus partes operations y map antes que sus archivos"),
    ("upload.too_many_files", "una petición lleva como máximo {0} archivo"),
    ("upload.no_operations", "una petición multipart necesita una parte operations"),
    ("upload.no_map", "una petición multipart necesita una parte map"),
    ("upload.file_not_mapped", "la parte map no dice adónde va el archivo `{0}`"),
    ("upload.missing_file", "la parte map nombra un archivo `{0}` que la petición no lleva"),
    ("upload.malformed", "la petición multipart está mal formada: {0}"),
    ("auth.csrf_sign_in", "el inicio de sesión debe llevar la cabecera X-Groundwork-CSRF"),
    ("auth.chapter_id", "chapterId no es un identificador de sección"),
    ("auth.body", "el cuerpo no es el JSON que espera esta dirección: {0}"),
    ("auth.bad_credentials", "la dirección de correo o la contraseña no son correctas, o la cuenta está desactivada"),
    ("auth.throttled", "demasiados inicios de sesión fallidos; espere unos minutos y vuelva a intentarlo"),
    ("auth.disabled", "esta cuenta está desactivada; pida a quien administra su sección que la active"),
    ("auth.password_length", "una contraseña necesita al menos {0} caracteres"),
    ("auth.account_exists", "ya existe una cuenta para {0}"),
    ("auth.not_an_email", "`{0}` no es una dirección de correo"),
    ("auth.not_enabled_member", "{0} no es una cuenta activa con un rol en la sección {1}"),
    ("auth.token_name", "un token necesita un nombre de 1 a 100 caracteres"),
    ("auth.token_rights", "un token no puede tener más derechos que su propio rol ({0})"),
    ("auth.connection_lost", "se perdió la conexión con la base de datos; repita la solicitud"),
    ("auth.internal", "algo falló dentro de Groundwork"),
    ("auth.metrics", "las métricas necesitan el token del operador (GROUNDWORK_METRICS_TOKEN)"),
    ("oidc.not_configured", "el inicio de sesión único no está configurado en este servidor"),
    ("oidc.unavailable", "no se puede contactar con el proveedor de identidad o no respondió como se esperaba; vuelva a intentarlo más tarde"),
    ("oidc.unknown_state", "este inicio de sesión caducó o ya se usó; empiece de nuevo"),
    ("oidc.wrong_browser", "este inicio de sesión se empezó en otro navegador, o el navegador rechazó su cookie; empiece de nuevo"),
    ("oidc.refused", "el proveedor de identidad no inició su sesión: {0}"),
    ("oidc.invalid_answer", "no se pudo verificar la respuesta del proveedor de identidad; empiece de nuevo"),
    ("oidc.unverified_email", "su proveedor de identidad no ha verificado la dirección de correo {0}, así que no se puede asociar a una cuenta de Groundwork; pida a su equipo de informática que la verifique"),
    ("oidc.no_email", "su proveedor de identidad no compartió ninguna dirección de correo, así que no se encuentra su cuenta de Groundwork; pida a su equipo de informática que comparta el correo con Groundwork"),
    ("oidc.no_account", "no hay ninguna cuenta de Groundwork para {0}; pida a quien administra su sección que le añada"),
    ("oidc.linked_elsewhere", "la cuenta de Groundwork de {0} está vinculada a otra identidad de su proveedor; consulte a quien administra"),
    ("oidc.disabled", "esta cuenta de Groundwork está desactivada"),
    ("oidc.no_membership", "esta cuenta de Groundwork no tiene un rol en ninguna sección; consulte a quien administra su sección"),
    ("oidc.page_title", "No se pudo iniciar sesión"),
    ("oidc.page_again", "Volver a iniciar sesión"),
    ("oidc.page_reference", "Referencia {0}"),
];

/// `message` in `language`: an input path in front (`input.level: `) is kept, the rest is translated by
/// the catalog (the parts a template leaves open are translated in turn); unknown text stays as it is.
pub fn translate(message: &str, language: Language) -> String {
    match language {
        Language::English => message.to_string(),
        Language::Spanish => match split_path(message) {
            Some((path, rest)) => format!("{path}: {}", spanish(rest, 0)),
            None => spanish(message, 0),
        },
    }
}

/// An input path (`input.issues[0].field`) and the message after it.
fn split_path(message: &str) -> Option<(&str, &str)> {
    let (path, rest) = message.split_once(": ")?;
    let is_path = !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '[' | ']'))
        && path.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    is_path.then_some((path, rest))
}

/// The open parts of `template` (its `{}`) as they appear in `text`, if the template matches it whole.
fn captures<'t>(template: &str, text: &'t str) -> Option<Vec<&'t str>> {
    fn walk<'t>(pieces: &[&str], text: &'t str, found: &mut Vec<&'t str>) -> bool {
        let Some((first, rest)) = pieces.split_first() else {
            return text.is_empty();
        };
        if rest.is_empty() {
            // The last literal ends the text; what stands before it is the last open part.
            if let Some(open) = text.strip_suffix(first) {
                if !open.is_empty() {
                    found.push(open);
                    return true;
                }
            }
            return false;
        }
        // An open part (non-empty), then `first`: try each place `first` occurs.
        let mut from = 1;
        while from <= text.len() {
            let Some(offset) = text.get(from..).and_then(|tail| tail.find(first)) else {
                return false;
            };
            let at = from + offset;
            found.push(&text[..at]);
            if walk(rest, &text[at + first.len()..], found) {
                return true;
            }
            found.pop();
            from = at + 1;
            while !text.is_char_boundary(from) && from < text.len() {
                from += 1;
            }
        }
        false
    }
    let pieces: Vec<&str> = template.split("{}").collect();
    if pieces.len() == 1 {
        return (template == text).then(Vec::new);
    }
    let rest = text.strip_prefix(pieces[0])?;
    let mut found = Vec::new();
    if pieces.len() == 2 {
        // One open part after the leading literal and before the trailing one.
        let open = rest.strip_suffix(pieces[1])?;
        return (!open.is_empty()).then(|| vec![open]);
    }
    walk(&pieces[1..], rest, &mut found).then_some(found)
}

/// The Spanish of `text` (`depth` bounds the translation of open parts within open parts).
fn spanish(text: &str, depth: usize) -> String {
    // The template that matches with the most fixed text is the most specific one.
    let best = ENGLISH
        .iter()
        .filter_map(|(key, template)| {
            captures(template, text).map(|found| (template.replace("{}", "").len(), *key, found))
        })
        .max_by_key(|(fixed, _, _)| *fixed);
    let Some((_, key, found)) = best else {
        return text.to_string();
    };
    let english = ENGLISH
        .iter()
        .find(|(english_key, _)| *english_key == key)
        .map_or("", |(_, template)| *template);
    let pieces: Vec<&str> = english.split("{}").collect();
    let Some((_, target)) = SPANISH.iter().find(|(spanish_key, _)| *spanish_key == key) else {
        return text.to_string();
    };
    let mut translated = target.to_string();
    for (index, part) in found.iter().enumerate() {
        // A part the template quotes (`"{}"`, `` `{}` ``) is a name — a field, a type, a cell's text — and
        // stays as it is.
        let quoted = ['"', '`'].into_iter().any(|quote| {
            pieces
                .get(index)
                .is_some_and(|before| before.ends_with(quote))
                && pieces
                    .get(index + 1)
                    .is_some_and(|after| after.starts_with(quote))
        });
        let part = if depth < 3 && !quoted {
            spanish(part, depth + 1)
        } else {
            part.to_string()
        };
        translated = translated.replace(&format!("{{{index}}}"), &part);
    }
    translated
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn both_languages_have_the_same_keys_and_open_parts() {
        let english: BTreeSet<&str> = ENGLISH.iter().map(|(key, _)| *key).collect();
        let spanish: BTreeSet<&str> = SPANISH.iter().map(|(key, _)| *key).collect();
        assert_eq!(english.len(), ENGLISH.len(), "an English key is repeated");
        assert_eq!(spanish.len(), SPANISH.len(), "a Spanish key is repeated");
        assert_eq!(english, spanish, "the two tables have different keys");
        let in_order = |table: &[(&'static str, &str)]| -> Vec<&'static str> {
            table.iter().map(|(key, _)| *key).collect()
        };
        assert_eq!(
            in_order(ENGLISH),
            in_order(SPANISH),
            "the two tables are in the same order"
        );
        for (key, template) in ENGLISH {
            let open = template.matches("{}").count();
            let target = SPANISH.iter().find(|(other, _)| other == key).unwrap().1;
            for index in 0..open {
                assert!(
                    target.contains(&format!("{{{index}}}")),
                    "{key}: {{{index}}} missing in Spanish"
                );
            }
            assert!(
                !target.contains(&format!("{{{open}}}")),
                "{key}: Spanish has more open parts"
            );
            assert!(
                !target.contains("{}"),
                "{key}: Spanish numbers its open parts"
            );
        }
    }

    #[test]
    fn every_domain_error_has_a_template() {
        // Every message the domain's errors can show (their `#[error]` attributes, open parts as `{}`).
        let sources = [
            include_str!("../../domain/src/campaign.rs"),
            include_str!("../../domain/src/chapter.rs"),
            include_str!("../../domain/src/person.rs"),
            include_str!("../../domain/src/task.rs"),
            include_str!("../../domain/src/structure_test.rs"),
            include_str!("../../domain/src/values.rs"),
        ];
        let mut missing = Vec::new();
        for source in sources {
            for line in source.lines() {
                let Some(rest) = line.trim().strip_prefix("#[error(\"") else {
                    continue;
                };
                let Some(message) = rest.split('"').next() else {
                    continue;
                };
                let mut template = String::new();
                let mut open = false;
                for character in message.chars() {
                    match (character, open) {
                        ('{', false) => {
                            open = true;
                            template.push_str("{}");
                        }
                        ('}', true) => open = false,
                        (_, true) => {}
                        (character, false) => template.push(character),
                    }
                }
                if !ENGLISH.iter().any(|(_, english)| *english == template) {
                    missing.push(template);
                }
            }
        }
        assert!(missing.is_empty(), "no template for: {missing:#?}");
    }

    /// The templates (`{}` for each open part) of every `#[error("…")]` in `source`, one-line or not; a
    /// message that is only an open part (`"{0}"`) is the inner error's, checked where that arises.
    fn error_templates(source: &str) -> Vec<String> {
        let mut templates = Vec::new();
        for (at, _) in source.match_indices("#[error(") {
            let rest = source[at + "#[error(".len()..].trim_start();
            let Some(rest) = rest.strip_prefix('"') else {
                continue;
            };
            let Some(message) = rest.split('"').next() else {
                continue;
            };
            let mut template = String::new();
            let mut open = false;
            for character in message.chars() {
                match (character, open) {
                    ('{', false) => {
                        open = true;
                        template.push_str("{}");
                    }
                    ('}', true) => open = false,
                    (_, true) => {}
                    (character, false) => template.push(character),
                }
            }
            if template != "{}" {
                templates.push(template);
            }
        }
        templates
    }

    #[test]
    fn every_sign_in_and_account_error_has_a_template() {
        let sources = [include_str!("oidc.rs"), include_str!("accounts.rs")];
        let missing: Vec<String> = sources
            .into_iter()
            .flat_map(error_templates)
            // Internal failures are logged, never shown as they are.
            .filter(|template| template != "password hashing failed")
            // A refusal naming its field (`code: …`): the path is kept and the message after it has its own
            // template.
            .filter(|template| template != "{}: {}")
            .filter(|template| !ENGLISH.iter().any(|(_, english)| english == template))
            .collect();
        assert!(missing.is_empty(), "no template for: {missing:#?}");
    }

    #[test]
    fn graphql_own_errors_are_translated_with_the_names_kept() {
        let es = |message: &str| translate(message, Language::Spanish);
        assert_eq!(
            es(r#"Unknown field "nmae" on type "Person". Did you mean "name"?"#),
            r#"el campo "nmae" no existe en el tipo "Person". ¿Quería decir "name"?"#
        );
        assert_eq!(
            es(
                r#"Invalid value for argument "input", field "givenName" of type "String!" is required but not provided"#
            ),
            r#"valor no válido para el argumento "input": falta el campo "givenName" de tipo "String!", que es obligatorio"#
        );
        assert_eq!(
            es(r#"Field "campaign" argument "id" of type "Query" is required but not provided"#),
            r#"el campo "campaign" del tipo "Query" necesita el argumento "id", que falta"#
        );
        assert_eq!(
            es(r#"Invalid value for argument "input.level", expected type "Int""#),
            r#"valor no válido para el argumento "input.level": se esperaba el tipo "Int""#
        );
        assert_eq!(
            es("line 3, column Email: the email address is not valid: it needs an @"),
            "línea 3, columna Email: la dirección de correo no tiene un formato válido: necesita una @"
        );
    }

    #[test]
    fn messages_are_translated_with_their_parts_and_paths() {
        let es = |message: &str| translate(message, Language::Spanish);
        assert_eq!(
            es("input.level: level 9 is not on the campaign's scale"),
            "input.level: el nivel 9 no está en la escala de la campaña"
        );
        assert_eq!(
            es("your role (analyst) may not edit people"),
            "su rol (analista) no puede editar personas"
        );
        assert_eq!(
            es("input.givenName: the given name must not be empty"),
            "input.givenName: falta el nombre de pila"
        );
        assert_eq!(
            es("input.email: the email address is not valid: it needs an @"),
            "input.email: la dirección de correo no tiene un formato válido: necesita una @"
        );
        assert_eq!(
            es("person 6a1f was not found"),
            "no se encontró la persona 6a1f"
        );
        // Unknown text stays as it is; English is never changed.
        assert_eq!(es("something new"), "something new");
        assert_eq!(
            translate("the unit was not found", Language::English),
            "the unit was not found"
        );
    }

    #[test]
    fn the_accept_language_header_picks_the_language() {
        let pick = |header: &str| Language::from_accept_language(Some(header));
        assert_eq!(pick("es"), Language::Spanish);
        assert_eq!(pick("es-MX,es;q=0.9,en;q=0.8"), Language::Spanish);
        assert_eq!(pick("en-US,en;q=0.9,es;q=0.8"), Language::English);
        assert_eq!(pick("fr-FR,es;q=0.5"), Language::Spanish);
        assert_eq!(pick("fr-FR"), Language::English);
        assert_eq!(pick("es;q=0"), Language::English);
        assert_eq!(Language::from_accept_language(None), Language::English);
    }
}
