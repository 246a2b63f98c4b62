{#- Every account against every criterion of the current ICP: match, miss, or unknown when the
    account's attribute is null. -#}

with criteria as (

    select * from {{ ref('int_icp__current_criteria') }}

),

items as (

    select * from {{ ref('int_icp__criterion_items') }}

),

attributes as (

    select * from {{ ref('int_icp__account_attributes') }}

),

account_criteria as (

    select
        criteria.*,
        attributes.account_id,
        attributes.text_value,
        attributes.number_value
    from attributes
    inner join criteria
        on attributes.attribute = criteria.attribute

),

listed_matches as (

    select
        account_criteria.account_id,
        account_criteria.criterion
    from account_criteria
    inner join items
        on
            account_criteria.criterion = items.criterion
            and account_criteria.text_value = items.item
    where account_criteria.operator in ('in', 'not_in')

),

tech_stack_tools as (

    {{ icp.split_to_rows(
        "(select account_id, text_value from attributes where attribute = 'tech_stack')",
        ['account_id'], 'text_value', ';'
    ) }}

),

tool_matches as (

    select distinct
        tech_stack_tools.account_id,
        items.criterion
    from tech_stack_tools
    inner join items
        on tech_stack_tools.item = items.item
    where items.operator = 'contains_any'

),

matches as (

    select
        account_id,
        criterion
    from listed_matches
    union all
    select
        account_id,
        criterion
    from tool_matches

),

evaluated as (

    select
        account_criteria.account_id,
        account_criteria.icp_version,
        account_criteria.criterion,
        account_criteria.attribute,
        account_criteria.operator,
        account_criteria.weight,
        case
            when account_criteria.text_value is null and account_criteria.number_value is null
                then 'unknown'
            when account_criteria.operator in ('in', 'contains_any')
                then case when matches.criterion is not null then 'match' else 'miss' end
            when account_criteria.operator = 'not_in'
                then case when matches.criterion is null then 'match' else 'miss' end
            when
                account_criteria.number_value
                >= coalesce(account_criteria.low_value, account_criteria.number_value)
                and account_criteria.number_value
                <= coalesce(account_criteria.high_value, account_criteria.number_value)
                then 'match'
            else 'miss'
        end as outcome
    from account_criteria
    left join matches
        on
            account_criteria.account_id = matches.account_id
            and account_criteria.criterion = matches.criterion

)

select * from evaluated
