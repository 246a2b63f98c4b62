-- The quarantine of the CRM tables (as 02_quarantine_reference.sql): accounts, then the
-- opportunities and contacts, whose account_id must match an accepted account.

create or replace table q_crm_accounts as
with cleaned as (
    select _row_number, clean(account_id) as r_account_id, clean(account_name) as r_account_name,
        clean(domain) as r_domain, clean(created_at) as r_created_at,
        clean(lead_source) as r_lead_source, clean(country_code) as r_country_code,
        clean(owner_id) as r_owner_id
    from raw.crm_accounts
),
typed as (
    select *,
        ident(r_account_id) as account_id,
        mask(r_account_name) as account_name,
        mask(normalize_domain(r_domain)) as domain,
        parse_ts(r_created_at) as created_at,
        mask(normalize_enum(r_lead_source)) as lead_source,
        mask(upper(r_country_code)) as country_code,
        mask(r_owner_id) as owner_id
    from cleaned
),
checked as (
    select *,
        coalesce(
            missing_rule('crm_accounts.account_id', r_account_id),
            missing_rule('crm_accounts.account_name', r_account_name),
            missing_rule('crm_accounts.created_at', r_created_at),
            time_rule('crm_accounts.created_at', r_created_at, created_at, 'timestamp'),
            after_as_of_rule('crm_accounts.created_at', r_created_at, created_at),
            repeated_rule('crm_accounts.account_id', count(*) over (partition by account_id),
                row_number() over (partition by account_id order by _row_number))
        ) as failed
    from typed
)
select _row_number, coalesce(account_id, 'row ' || _row_number) as row_key,
    failed[2] as reason_code, mask(failed[1]) as reason,
    case when failed is not null then mask(concat_ws(', ',
            kv('account_id', r_account_id), kv('account_name', r_account_name),
            kv('domain', r_domain), kv('created_at', r_created_at),
            kv('lead_source', r_lead_source), kv('country_code', r_country_code),
            hashed('owner_id', r_owner_id)
        )) end as raw_row,
    account_id, account_name, domain, created_at, lead_source, country_code, owner_id
from checked;

create or replace view crm_accounts as select * from q_crm_accounts where reason_code is null;

create or replace table q_crm_opportunities as
with cleaned as (
    select _row_number, clean(opportunity_id) as r_opportunity_id,
        clean(account_id) as r_account_id,
        clean(opportunity_type) as r_opportunity_type, clean(stage) as r_stage,
        clean(amount) as r_amount, clean(currency) as r_currency,
        clean(created_at) as r_created_at, clean(closed_at) as r_closed_at
    from raw.crm_opportunities
),
typed as (
    select cleaned.*,
        ident(r_opportunity_id) as opportunity_id,
        ident(r_account_id) as account_id,
        lower(r_opportunity_type) as opportunity_type,
        lower(r_stage) as stage,
        parse_decimal(r_amount) as amount,
        mask(upper(r_currency)) as currency,
        parse_ts(r_created_at) as created_at,
        parse_ts(r_closed_at) as closed_at
    from cleaned
),
checked as (
    select typed.*,
        coalesce(
            missing_rule('crm_opportunities.opportunity_id', r_opportunity_id),
            missing_rule('crm_opportunities.account_id', r_account_id),
            missing_rule('crm_opportunities.opportunity_type', r_opportunity_type),
            enum_rule('crm_opportunities.opportunity_type', opportunity_type,
                ['new_business', 'expansion', 'renewal']),
            missing_rule('crm_opportunities.stage', r_stage),
            enum_rule('crm_opportunities.stage', stage, ['open', 'won', 'lost']),
            missing_rule('crm_opportunities.amount', r_amount),
            decimal_rule('crm_opportunities.amount', r_amount, amount),
            min_rule('crm_opportunities.amount', r_amount, amount, 0),
            missing_rule('crm_opportunities.currency', r_currency),
            fx_rule('crm_opportunities.currency', currency,
                cast(date_trunc('month', created_at) as date), fx.first_rate_month),
            missing_rule('crm_opportunities.created_at', r_created_at),
            time_rule('crm_opportunities.created_at', r_created_at, created_at, 'timestamp'),
            after_as_of_rule('crm_opportunities.created_at', r_created_at, created_at),
            time_rule('crm_opportunities.closed_at', r_closed_at, closed_at, 'timestamp'),
            repeated_rule('crm_opportunities.opportunity_id',
                count(*) over (partition by opportunity_id),
                row_number() over (partition by opportunity_id order by _row_number)),
            ref_rule('crm_opportunities.account_id', 'stg_crm__accounts', typed.account_id,
                a.parent_key is not null)
        ) as failed
    from typed
    left join fx_first_month as fx on typed.currency = fx.fx_currency
    left join (select account_id as parent_key from crm_accounts) as a
        on typed.account_id = a.parent_key
)
select _row_number, coalesce(opportunity_id, 'row ' || _row_number) as row_key,
    failed[2] as reason_code, mask(failed[1]) as reason,
    case when failed is not null then mask(concat_ws(', ',
            kv('opportunity_id', r_opportunity_id), kv('account_id', r_account_id),
            kv('opportunity_type', r_opportunity_type), kv('stage', r_stage),
            kv('amount', r_amount), kv('currency', r_currency), kv('created_at', r_created_at),
            kv('closed_at', r_closed_at)
        )) end as raw_row,
    opportunity_id, account_id, opportunity_type, stage, amount, currency, created_at, closed_at
from checked;

create or replace view crm_opportunities as
select * from q_crm_opportunities where reason_code is null;

create or replace table q_crm_contacts as
with cleaned as (
    select _row_number, clean(contact_id) as r_contact_id, clean(account_id) as r_account_id,
        clean(job_title) as r_job_title, clean(email) as r_email, clean(created_at) as r_created_at
    from raw.crm_contacts
),
typed as (
    select cleaned.*,
        ident(r_contact_id) as contact_id,
        ident(r_account_id) as account_id,
        mask(r_job_title) as job_title,
        r_email as email,
        parse_ts(r_created_at) as created_at
    from cleaned
),
checked as (
    select typed.*,
        coalesce(
            missing_rule('crm_contacts.contact_id', r_contact_id),
            missing_rule('crm_contacts.account_id', r_account_id),
            missing_rule('crm_contacts.created_at', r_created_at),
            time_rule('crm_contacts.created_at', r_created_at, created_at, 'timestamp'),
            after_as_of_rule('crm_contacts.created_at', r_created_at, created_at),
            repeated_rule('crm_contacts.contact_id', count(*) over (partition by contact_id),
                row_number() over (partition by contact_id order by _row_number)),
            ref_rule('crm_contacts.account_id', 'stg_crm__accounts', typed.account_id,
                a.parent_key is not null)
        ) as failed
    from typed
    left join (select account_id as parent_key from crm_accounts) as a
        on typed.account_id = a.parent_key
)
select _row_number, coalesce(contact_id, 'row ' || _row_number) as row_key,
    failed[2] as reason_code, mask(failed[1]) as reason,
    case when failed is not null then mask(concat_ws(', ',
            kv('contact_id', r_contact_id), kv('account_id', r_account_id),
            kv('job_title', r_job_title), redacted('email', r_email),
            kv('created_at', r_created_at)
        )) end as raw_row,
    contact_id, account_id, job_title, email, created_at
from checked;

create or replace view crm_contacts as select * from q_crm_contacts where reason_code is null;
