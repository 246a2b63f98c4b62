with base as (

    select * from {{ ref('base_crm__contacts') }}

),

accepted as (

    select
        contact_id,
        account_id,
        job_title,
        created_at
    from base
    where _rejection_reason is null

)

select * from accepted
