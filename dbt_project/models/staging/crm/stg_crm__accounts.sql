with base as (

    select * from {{ ref('base_crm__accounts') }}

),

accepted as (

    select
        account_id,
        account_name,
        domain,
        created_at,
        lead_source,
        country_code,
        owner_id
    from base
    where _rejection_reason is null

)

select * from accepted
