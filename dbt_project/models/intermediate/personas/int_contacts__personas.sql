{#- Each contact's buyer persona from its job title, by the ordered rule table
    `reference/persona_title_rules.csv` (first matching rule wins). Keywords match whole words,
    case-insensitively: the title is lowercased, every run of non-letters/digits becomes one space,
    and a keyword must appear between spaces, so `Director` is not `CTO` and `Sr.` reads as `sr`.
    A title no rule matches is `end_user`; no title is `unknown`. Rules are matched once per distinct
    title, not per contact: titles repeat, and the keyword join is the costly step. -#}

with contacts as (

    select
        contact_id,
        account_id,
        job_title
    from {{ ref('stg_crm__contacts') }}

),

rules as (

    select * from {{ ref('persona_title_rules') }}

),

titles as (

    select distinct job_title
    from contacts
    where job_title is not null

),

normalized as (

    select
        job_title,
        {{ dbt.concat([
            "' '",
            "trim(" ~ icp.regex_replace('lower(job_title)', '[^\\p{L}\\p{N}]+', ' ') ~ ")",
            "' '",
        ]) }} as padded_title
    from titles

),

first_rule as (

    select
        normalized.job_title,
        min(rules.rule_order) as rule_order
    from normalized
    inner join rules
        on normalized.padded_title like {{ dbt.concat(["'% '", 'rules.keyword', "' %'"]) }}
    group by normalized.job_title

),

final as (

    select
        contacts.contact_id,
        contacts.account_id,
        contacts.job_title,
        case
            when contacts.job_title is null then 'unknown'
            else coalesce(rules.persona, 'end_user')
        end as persona
    from contacts
    left join first_rule
        on contacts.job_title = first_rule.job_title
    left join rules
        on first_rule.rule_order = rules.rule_order

)

select * from final
