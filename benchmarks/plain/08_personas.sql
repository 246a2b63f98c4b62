-- dim_contacts and the persona counts of dim_accounts: each contact's buyer persona from its job
-- title by the ordered rules of reference/persona_title_rules.csv, the first matching rule
-- winning. A keyword matches whole words, case-insensitively (the title lowercased, every run of
-- non-letters/digits one space); a title no rule matches is end_user, no title unknown. Matched
-- once per distinct title.

create or replace table title_personas as
with rules as (
    select cast(rule_order as integer) as rule_order, persona, keyword
    from reference('persona_title_rules')
),
titles as (
    select job_title,
        ' ' || trim(regexp_replace(lower(job_title), '[^\p{L}\p{N}]+', ' ', 'g')) || ' ' as padded
    from (select distinct job_title from crm_contacts where job_title is not null)
)
select job_title, arg_min(persona, rule_order) as persona
from titles join rules on contains(padded, ' ' || keyword || ' ')
group by job_title;

create or replace table dim_contacts as
select c.contact_id, c.account_id, c.job_title,
    case when c.job_title is null then 'unknown' else coalesce(t.persona, 'end_user') end as persona
from crm_contacts as c
left join title_personas as t using (job_title);

create or replace table account_personas as
select account_id, count(*) as contact_count,
    count(*) filter (where persona = 'economic_buyer') as economic_buyer_contacts,
    count(*) filter (where persona = 'champion') as champion_contacts,
    count(*) filter (where persona = 'technical_evaluator') as technical_evaluator_contacts,
    count(*) filter (where persona = 'end_user') as end_user_contacts,
    count(*) filter (where persona = 'unknown') as unknown_persona_contacts
from dim_contacts
group by account_id;
